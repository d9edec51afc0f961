package postgres

import (
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
)

// unstorable reports whether PostgreSQL text cannot hold v: a NUL
// character (0x00) or bytes that are not UTF-8.
func unstorable(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == 0:
			return true
		case c >= utf8.RuneSelf: // not ASCII: check the rest properly
			return strings.IndexByte(v[i:], 0) >= 0 || !utf8.ValidString(v[i:])
		}
	}
	return false
}

// classificationFields names the code and name fields of a
// classification, in the order classificationValues gives them.
var classificationFields = [14]string{"department code", "department name", "org unit code", "org unit name", "program code", "program name",
	"fund code", "fund name", "source fund code", "source fund name", "account code", "account name", "function code", "function name"}

func classificationValues(c *budget.Classification) [14]string {
	return [14]string{c.Department.Code, c.Department.Name, c.OrgUnit.Code, c.OrgUnit.Name, c.Program.Code, c.Program.Name,
		c.Fund.Code, c.Fund.Name, c.SourceFund.Code, c.SourceFund.Name, c.Account.Code, c.Account.Name, c.Function.Code, c.Function.Name}
}

// checkBatchText refuses, before anything is written, text that
// PostgreSQL cannot store. The error is an InputError naming the batch's
// file, the row's line and the field, so that the user can find the cell.
func checkBatchText(b *budget.Batch) error {
	bad := func(line int, field, v string) error { return unstorableErr(b.SourceFile, line, field, v) }
	check := func(line int, names []string, values []string) error {
		for k, v := range values {
			if unstorable(v) {
				return bad(line, names[k], v)
			}
		}
		return nil
	}
	if err := check(0, []string{"jurisdiction", "jurisdiction name", "dataset", "source file", "profile"},
		[]string{b.Jurisdiction.ID, b.Jurisdiction.Name, b.Dataset, b.SourceFile, b.Profile}); err != nil {
		return err
	}
	for i := range b.LineItems {
		if err := checkItemText(b.SourceFile, &b.LineItems[i]); err != nil {
			return err
		}
	}
	for i := range b.Requests {
		r := &b.Requests[i]
		vals := classificationValues(&r.Classification)
		if err := check(r.Line, classificationFields[:], vals[:]); err != nil {
			return err
		}
		if err := check(r.Line, []string{"description", "category", "recurrence", "key"}, []string{r.Description, r.Category, r.Recurrence, r.Key}); err != nil {
			return err
		}
	}
	for i := range b.Measures {
		m := &b.Measures[i]
		if err := check(m.Line, []string{"department code", "department name", "org unit code", "org unit name", "program code", "program name", "measure code", "measure name", "unit"},
			[]string{m.Department.Code, m.Department.Name, m.OrgUnit.Code, m.OrgUnit.Name, m.Program.Code, m.Program.Name, m.Measure.Code, m.Measure.Name, m.Unit}); err != nil {
			return err
		}
	}
	for i := range b.Descriptions {
		d := &b.Descriptions[i]
		if err := check(d.Line, []string{"subject", "code", "name", "text"}, []string{d.Subject, d.Code, d.Name, d.Text}); err != nil {
			return err
		}
	}
	return nil
}

// unstorableErr is the error of text PostgreSQL cannot store, in file's
// line and field.
func unstorableErr(file string, line int, field, v string) error {
	return &budget.InputError{File: file, Line: line, Field: field, Value: strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", `\0`), "\uFFFD"),
		Expected: "text without NUL characters (0x00), in UTF-8: PostgreSQL cannot store them; remove them from the file and import it again (nothing was stored)"}
}

// checkItemText refuses a line item with text PostgreSQL cannot store.
func checkItemText(file string, l *budget.LineItem) error {
	vals := classificationValues(&l.Classification)
	for k, v := range vals {
		if unstorable(v) {
			return unstorableErr(file, l.Line, classificationFields[k], v)
		}
	}
	switch {
	case unstorable(l.Key):
		return unstorableErr(file, l.Line, "key", l.Key)
	case unstorable(l.Area):
		return unstorableErr(file, l.Line, "area", l.Area)
	case unstorable(l.AreaLayer):
		return unstorableErr(file, l.Line, "area layer", l.AreaLayer)
	}
	return nil
}
