package postgres

import (
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
)

// checkBatchText refuses, before anything is written, text that
// PostgreSQL cannot store: a NUL character (0x00) or bytes that are not
// UTF-8. The error is an InputError naming the batch's file, the row's
// line and the field, so that the user can find the cell.
func checkBatchText(b *budget.Batch) error {
	bad := func(line int, field, v string) error {
		return &budget.InputError{File: b.SourceFile, Line: line, Field: field, Value: strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", `\0`), "\uFFFD"),
			Expected: "text without NUL characters (0x00), in UTF-8: PostgreSQL cannot store them; remove them from the file and import it again (nothing was stored)"}
	}
	check := func(line int, fields ...string) error {
		for i := 0; i+1 < len(fields); i += 2 {
			if v := fields[i+1]; strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
				return bad(line, fields[i], v)
			}
		}
		return nil
	}
	if err := check(0, "jurisdiction", b.Jurisdiction.ID, "jurisdiction name", b.Jurisdiction.Name, "dataset", b.Dataset,
		"source file", b.SourceFile, "profile", b.Profile); err != nil {
		return err
	}
	for i := range b.LineItems {
		l := &b.LineItems[i]
		if err := checkClassification(check, l.Line, &l.Classification, "key", l.Key); err != nil {
			return err
		}
	}
	for i := range b.Requests {
		r := &b.Requests[i]
		if err := checkClassification(check, r.Line, &r.Classification, "description", r.Description, "category", r.Category, "recurrence", r.Recurrence, "key", r.Key); err != nil {
			return err
		}
	}
	for i := range b.Measures {
		m := &b.Measures[i]
		if err := check(m.Line, "department code", m.Department.Code, "department name", m.Department.Name, "org unit code", m.OrgUnit.Code, "org unit name", m.OrgUnit.Name,
			"program code", m.Program.Code, "program name", m.Program.Name, "measure code", m.Measure.Code, "measure name", m.Measure.Name, "unit", m.Unit); err != nil {
			return err
		}
	}
	for i := range b.Descriptions {
		d := &b.Descriptions[i]
		if err := check(d.Line, "subject", d.Subject, "code", d.Code, "name", d.Name, "text", d.Text); err != nil {
			return err
		}
	}
	return nil
}

func checkClassification(check func(line int, fields ...string) error, line int, c *budget.Classification, more ...string) error {
	return check(line, append([]string{"department code", c.Department.Code, "department name", c.Department.Name,
		"org unit code", c.OrgUnit.Code, "org unit name", c.OrgUnit.Name, "program code", c.Program.Code, "program name", c.Program.Name,
		"fund code", c.Fund.Code, "fund name", c.Fund.Name, "source fund code", c.SourceFund.Code, "source fund name", c.SourceFund.Name,
		"account code", c.Account.Code, "account name", c.Account.Name, "function code", c.Function.Code, "function name", c.Function.Name}, more...)...)
}
