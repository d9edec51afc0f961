package capital

import (
	"bufio"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/capital/internal/mip"
)

// WriteLP writes the model in CPLEX LP format, which CBC, HiGHS, GLPK
// (glpsol --lp), SCIP and CPLEX read, so anyone can check a plan with
// another solver, for example
//
//	cbc model.lp solve solu out.txt
//
// Variable xK is the K-th project (1-based; a comment line maps each to
// its id); each constraint is named after its kind and place. Money is
// written in dollars with every cent exact: budget and area rows have two
// decimals, and the high-need share row sum_i (h_i - s) c_i x_i >= 0 has
// the exact coefficient (high-need cents - s x cost cents) / 100, with at
// most 8 decimals. Projects fixed in or out appear as rows xK = 1 or 0.
func WriteLP(w io.Writer, m *Model) error {
	c, err := compile(m)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	c.writeLPHeader(bw)
	fmt.Fprintln(bw, "Maximize")
	terms := make([]string, 0, len(m.Projects))
	for i, p := range m.Projects {
		terms = append(terms, term(strconv.FormatFloat(p.Benefit, 'g', -1, 64), i))
	}
	if len(terms) == 0 {
		fmt.Fprintln(bw, " benefit: + 0 x1") // a model without projects still needs a variable
	} else {
		writeExpr(bw, " benefit:", terms)
	}
	fmt.Fprintln(bw, "Subject To")
	for r := range c.rows {
		c.writeLPRow(bw, r)
	}
	for i, p := range m.Projects {
		switch p.Fixed {
		case MustIn:
			fmt.Fprintf(bw, " must_in_%d: x%d = 1\n", i+1, i+1)
		case MustOut:
			fmt.Fprintf(bw, " must_out_%d: x%d = 0\n", i+1, i+1)
		}
	}
	fmt.Fprintln(bw, "Binaries")
	names := make([]string, 0, len(m.Projects))
	for i := range m.Projects {
		names = append(names, fmt.Sprintf("x%d", i+1))
	}
	if len(names) == 0 {
		names = append(names, "x1")
	}
	for k := 0; k < len(names); k += 10 {
		fmt.Fprintln(bw, " "+strings.Join(names[k:min(k+10, len(names))], " "))
	}
	fmt.Fprintln(bw, "End")
	return bw.Flush()
}

func (c *compiled) writeLPHeader(w io.Writer) {
	name := c.m.Name
	if name == "" {
		name = "(unnamed)"
	}
	fmt.Fprintf(w, "\\ budgetlens capital plan %s: %d projects, %d constraints\n", comment(name), len(c.m.Projects), len(c.rows))
	fmt.Fprintln(w, "\\ maximise total benefit; money in dollars")
	for i, p := range c.m.Projects {
		fmt.Fprintf(w, "\\ x%d = %s\n", i+1, comment(p.ID))
	}
}

// comment keeps text on one comment line.
func comment(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, strconv.Quote(s))
}

func (c *compiled) writeLPRow(w io.Writer, r int) {
	row, con := &c.rows[r], c.cons[r]
	var terms []string
	for k, j := range row.Vars {
		terms = append(terms, term(c.lpCoefficient(con, row.Coefs[k]), j))
	}
	if len(terms) == 0 {
		terms = append(terms, term("0", 0))
	}
	writeExpr(w, fmt.Sprintf(" %s:", rowName(r, con)), terms)
	switch {
	case row.Hi != mip.NoUpper:
		fmt.Fprintf(w, "   <= %s\n", c.lpCoefficient(con, row.Hi))
	default:
		fmt.Fprintf(w, "   >= %s\n", c.lpCoefficient(con, row.Lo))
	}
}

// lpCoefficient writes a row coefficient or limit in the row's LP units:
// dollars for money rows (the equity row's integers are cents x shareQ),
// plain counts for dependency rows.
func (c *compiled) lpCoefficient(con Constraint, v int64) string {
	switch con.Kind {
	case KindBudget, KindFloor, KindCeiling:
		return exactDecimal(big.NewInt(v), 2)
	case KindEquity:
		// v / (100 shareQ) = v (10^6 / shareQ) / 10^8, exact since shareQ divides 10^6.
		x := new(big.Int).Mul(big.NewInt(v), big.NewInt(1_000_000/c.shareQ))
		return exactDecimal(x, 8)
	}
	return strconv.FormatInt(v, 10)
}

// exactDecimal writes x / 10^places without rounding, trailing zeros
// trimmed.
func exactDecimal(x *big.Int, places int) string {
	neg := x.Sign() < 0
	digits := new(big.Int).Abs(x).String()
	for len(digits) <= places {
		digits = "0" + digits
	}
	whole, frac := digits[:len(digits)-places], strings.TrimRight(digits[len(digits)-places:], "0")
	s := whole
	if frac != "" {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

func rowName(r int, con Constraint) string {
	var place string
	switch con.Kind {
	case KindBudget:
		place = con.Year
		if place == "" {
			place = "total"
		}
	case KindFloor, KindCeiling:
		place = con.Area
	case KindRequires, KindExcludes:
		place = con.Project + "_" + con.Other
	}
	name := fmt.Sprintf("c%d_%s", r+1, con.Kind)
	if place != "" {
		name += "_" + sanitize(place)
	}
	if len(name) > 60 {
		name = name[:60]
	}
	return name
}

// sanitize keeps letters, digits and underscores.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, s)
}

// term writes coefficient times variable x(j+1) with an explicit sign.
func term(coef string, j int) string {
	if strings.HasPrefix(coef, "-") {
		return fmt.Sprintf("- %s x%d", coef[1:], j+1)
	}
	return fmt.Sprintf("+ %s x%d", coef, j+1)
}

// writeExpr writes label and terms, eight terms to a line.
func writeExpr(w io.Writer, label string, terms []string) {
	fmt.Fprint(w, label)
	for k, t := range terms {
		if k > 0 && k%8 == 0 {
			fmt.Fprint(w, "\n   ")
		}
		fmt.Fprint(w, " "+t)
	}
	fmt.Fprintln(w)
}
