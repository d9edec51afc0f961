package budget

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Jurisdiction is the city or agency whose budget is stored, e.g. "la".
type Jurisdiction struct {
	ID         string // short code, lower case: "la", "oakland", "boston"
	Name       string // "City of Los Angeles"
	StartMonth int    // first month of its fiscal year, 1-12 (7 for July)
}

// Kind says what a line item's amount measures.
type Kind string

const (
	Expenditure Kind = "expenditure" // money spent or appropriated, in cents
	Revenue     Kind = "revenue"     // money received or expected, in cents
	Positions   Kind = "positions"   // authorised positions, in ten-thousandths of a position
)

// Places is the number of decimals a kind's amounts keep: 2 for money
// (cents), 4 for positions (LA writes 0.4841 of a position).
func (k Kind) Places() int {
	if k == Positions {
		return 4
	}
	return 2
}

// Code is one node of a classification tree: its code kept exactly as
// written ("02", "0201": leading zeros are significant) and its name.
// Both may be empty when the source does not give that level.
type Code struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Empty reports whether neither code nor name is set.
func (c Code) Empty() bool { return c.Code == "" && c.Name == "" }

// Classification places an amount in the four trees budgets use:
// organisational (department > org unit > program), fund (fund > source
// fund), economic (account) and, optionally, functional (e.g. COFOG).
type Classification struct {
	Department Code `json:"department"`
	OrgUnit    Code `json:"org_unit"`
	Program    Code `json:"program"`
	Fund       Code `json:"fund"`
	SourceFund Code `json:"source_fund"`
	Account    Code `json:"account"`
	Function   Code `json:"function"`
}

// LineItem is one amount of a budget in one fiscal year and phase. Amount is
// in integer cents (ten-thousandths of a position for Kind Positions, see
// Kind.Places); floats are
// never used for money. Key is a stable natural key: the source's identifier
// when it has one, otherwise NaturalKey of the classification codes.
type LineItem struct {
	Jurisdiction string `json:"jurisdiction"`
	Classification
	FiscalYear  FiscalYear `json:"-"`
	Phase       Phase      `json:"phase"`
	Kind        Kind       `json:"kind"`
	AmountCents int64      `json:"amount_cents"`
	Key         string     `json:"key"`
	Line        int        `json:"line"` // line of the source file, header = 1
	// Area holds the area codes the row itself carries (a district or ward
	// column: "5", "5, 11", "CW"), "" when it has none; AreaLayer names the
	// layer whose area ids those codes are. Attribution places such a row by
	// its own codes before any rule.
	Area      string `json:"area,omitempty"`
	AreaLayer string `json:"area_layer,omitempty"`
}

// Request is one budget request (a proposed change to the prior year's
// adopted budget) with the change proposed and the change adopted, in cents.
// A nil change means the source left it empty (not zero).
type Request struct {
	Jurisdiction string `json:"jurisdiction"`
	Classification
	FiscalYear    FiscalYear `json:"-"`
	Description   string     `json:"description"`
	Category      string     `json:"category"`
	Recurrence    string     `json:"recurrence"` // "one-time", "ongoing" or the source's own code
	ProposedCents *int64     `json:"proposed_cents"`
	AdoptedCents  *int64     `json:"adopted_cents"`
	Key           string     `json:"key"`
	Line          int        `json:"line"`
}

// Measure is one value of a performance measure in one fiscal year and
// phase. Value is a float because measures are counts, rates and averages,
// not money.
type Measure struct {
	Jurisdiction string     `json:"jurisdiction"`
	Department   Code       `json:"department"`
	OrgUnit      Code       `json:"org_unit"`
	Program      Code       `json:"program"`
	Measure      Code       `json:"measure"`
	Unit         string     `json:"unit"`
	FiscalYear   FiscalYear `json:"-"`
	Phase        Phase      `json:"phase"`
	Value        float64    `json:"value"`
	Line         int        `json:"line"`
}

// Description is a text published for a classification node: the
// description of a department, program or schedule, or a program's priority
// outcome. Subject is "department", "program", "schedule" or "priority".
type Description struct {
	Subject string `json:"subject"`
	Code    string `json:"code"`
	Name    string `json:"name"`
	Text    string `json:"text"`
	Line    int    `json:"line"`
}

// Batch is everything parsed from one source file, ready to be stored in one
// transaction. Dataset names the series the file belongs to (for example
// "la/expenditures/sec2"): a later import of the same dataset supersedes the
// earlier one's (fiscal year, phase) slices, while a different dataset (Sec4
// beside Sec2) adds to them.
type Batch struct {
	Jurisdiction Jurisdiction
	Dataset      string
	SourceFile   string // path as given by the user
	ContentHash  string // sha256 of the file's bytes, hex
	Profile      string // name of the column-mapping profile used
	FiscalYear   FiscalYear
	Phase        Phase // the file's own phase (from its name), for requests and texts
	LineItems    []LineItem
	Requests     []Request
	Measures     []Measure
	Descriptions []Description
	// Reconciled lists the totals rows found in the file and checked against
	// the sum of its line items (informational; a mismatch never gets here).
	Reconciled []Reconciliation
	// Warnings are things the reader did not like but could resolve (for
	// example a descriptor naming a column the data file calls otherwise).
	Warnings []string
}

// Rows returns the number of records in the batch.
func (b *Batch) Rows() int {
	return len(b.LineItems) + len(b.Requests) + len(b.Measures) + len(b.Descriptions)
}

// Reconciliation records one checked total: the sum of the line items of a
// column against the file's own grand-total row.
type Reconciliation struct {
	Column     string
	Line       int
	TotalCents int64
	SumCents   int64
}

// ImportRun is one stored import of one file.
type ImportRun struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	SourceFile   string    `json:"source_file"`
	ContentHash  string    `json:"content_hash"`
	Profile      string    `json:"profile"`
	Dataset      string    `json:"dataset"`
	Jurisdiction string    `json:"jurisdiction"`
	Rows         int64     `json:"rows"`
	StartedAt    time.Time `json:"started_at"`
	Version      string    `json:"version"`
	// Unchanged is true when the same content was already stored and the
	// import did nothing.
	Unchanged bool `json:"unchanged"`
	// Superseded counts the earlier slices this run replaced.
	Superseded int `json:"superseded"`
}

// NaturalKey returns a stable identifier for a row that has none: the first
// 16 bytes of SHA-256 over the given parts joined by the unit separator
// (0x1f), hex encoded. Parts are used exactly as written, so "02" and "2"
// give different keys.
func NaturalKey(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(h[:16])
}

// Slice identifies the rows one import contributes for one fiscal year and
// phase of one dataset: the unit that a newer import supersedes.
type Slice struct {
	Dataset    string
	Kind       string // "line_items", "requests", "measures", "descriptions"
	FiscalYear FiscalYear
	Phase      Phase
}

// Total is an amount summed over the line items that share a classification
// value (a department, program, fund or account).
type Total struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	AmountCents int64  `json:"amount_cents"`
	Items       int64  `json:"items"`
}

// Level names a classification level that totals and listings group by.
type Level string

const (
	LevelDepartment Level = "department"
	LevelOrgUnit    Level = "org_unit"
	LevelProgram    Level = "program"
	LevelFund       Level = "fund"
	LevelSourceFund Level = "source_fund"
	LevelAccount    Level = "account"
	LevelFunction   Level = "function"
)

// ParseLevel accepts a level name (singular or plural).
func ParseLevel(s string) (Level, error) {
	k := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "s")
	k = strings.ReplaceAll(strings.ReplaceAll(k, "-", "_"), " ", "_")
	switch k {
	case "department", "dept":
		return LevelDepartment, nil
	case "org_unit", "org", "orgunit":
		return LevelOrgUnit, nil
	case "program", "prog":
		return LevelProgram, nil
	case "fund":
		return LevelFund, nil
	case "source_fund":
		return LevelSourceFund, nil
	case "account":
		return LevelAccount, nil
	case "function":
		return LevelFunction, nil
	}
	return "", Errorf(EINVALID, "unknown classification level %q: use department, org_unit, program, fund, source_fund, account or function", s)
}

// Filter selects stored budget records. Zero fields select everything.
type Filter struct {
	Jurisdiction string
	FiscalYear   *FiscalYear
	Phase        Phase
	Kind         Kind   // line items only; "" means every kind
	Department   string // department code
	Program      string // program code
}
