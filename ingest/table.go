package ingest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// rowSource yields the rows of a table after its header, each with its
// 1-based line number in the file (a sheet's row number). Next returns
// io.EOF at the end.
type rowSource interface {
	Head() *tabular.Header
	Next() (line int, cells []string, err error)
}

// binding is a profile applied to one file's header.
type binding struct {
	p           *Profile
	file        string
	head        *tabular.Header
	header      []string
	col         map[string]int // field -> 0-based column
	colGroups   map[string]map[string]string
	pivots      []pivotCol
	unaccounted []string
	missing     []string
	mapped      int
	pivotErr    error // a heading the pivot pattern matched but could not read
	dupErr      error // a column the profile reads has its heading twice
}

type pivotCol struct {
	idx     int
	fy      budget.FiscalYear
	phase   budget.Phase
	rowFY   bool   // the fiscal year comes from the row (a measure column without one)
	measure string // the performance measure the column holds, if named
	unit    string
}

// bind matches a profile's fields to the headings. A column the profile
// reads (a field, a pivot or measure column) whose heading is also another
// column's is ambiguous: recorded in dupErr, as every reader refuses it
// (see tabular.Header).
func bind(p *Profile, head *tabular.Header, file string) (*binding, error) {
	header := head.Names
	b := &binding{p: p, file: file, head: head, header: header, col: map[string]int{}, colGroups: map[string]map[string]string{}}
	defer b.checkDuplicates()
	fields := sortedKeys(p.Columns)
	for i, h := range header {
		// a heading may serve several fields (a name used as code too)
		taken := false
		for _, f := range fields {
			if _, dup := b.col[f]; dup {
				continue
			}
			if headingMatch(p.Columns[f], h) {
				b.col[f] = i
				taken = true
				b.colGroups[f] = headingGroups(p.Columns[f], h)
			}
		}
		if taken {
			b.mapped++
			continue
		}
		if mc, ok := explicitMeasure(p, h); ok && mc.FiscalYear == "" {
			ph, err := budget.ParsePhase(mc.Phase)
			if err != nil {
				return nil, &budget.InputError{File: file, Line: head.Line, Column: h, ColIndex: i + 1, Field: "measure column", Value: h, Expected: err.Error(), Err: err}
			}
			b.pivots = append(b.pivots, pivotCol{idx: i, phase: ph, rowFY: true, measure: mc.Measure, unit: mc.Unit})
			b.mapped++
			continue
		}
		if mc, ok := explicitMeasure(p, h); ok {
			fy, ph, err := measurePeriod(p, mc)
			if err != nil {
				return nil, &budget.InputError{File: file, Line: head.Line, Column: h, ColIndex: i + 1, Field: "measure column", Value: h, Expected: err.Error(), Err: err}
			}
			b.pivots = append(b.pivots, pivotCol{idx: i, fy: fy, phase: ph, measure: mc.Measure, unit: mc.Unit})
			b.mapped++
			continue
		}
		if p.pivotRE != nil {
			if m := p.pivotRE.FindStringSubmatch(normHeading(h)); m != nil {
				fy, ph, err := periodOf(p.pivotRE, m)
				if err != nil {
					if b.pivotErr == nil {
						b.pivotErr = &budget.InputError{File: file, Line: head.Line, Column: h, ColIndex: i + 1, Field: "pivot column", Value: h,
							Expected: "a heading such as \"2021-22 Adopted\" naming a fiscal year and a phase: " + err.Error(), Err: err}
					}
					b.mapped++
					continue
				}
				b.pivots = append(b.pivots, pivotCol{idx: i, fy: fy, phase: ph})
				b.mapped++
				continue
			}
		}
		if headingMatch(p.Ignore, h) || strings.TrimSpace(h) == "" || laterDuplicate(head, i) {
			continue // the first of the two is what detection judges; checkDuplicates refuses the pair if it is read
		}
		b.unaccounted = append(b.unaccounted, h)
	}
	for _, f := range p.Required {
		if _, ok := b.col[f]; !ok {
			b.missing = append(b.missing, f)
		}
	}
	return b, nil
}

// laterDuplicate reports whether column i repeats the heading of an
// earlier column.
func laterDuplicate(h *tabular.Header, i int) bool {
	d := h.Duplicated(i)
	return d != nil && d[0] != i
}

// checkDuplicates records the first column the binding reads whose
// heading is written twice.
func (b *binding) checkDuplicates() {
	cols := make([]int, 0, len(b.col)+len(b.pivots))
	for _, f := range sortedKeys(b.col) {
		cols = append(cols, b.col[f])
	}
	for _, pc := range b.pivots {
		cols = append(cols, pc.idx)
	}
	for _, c := range cols {
		if d := b.head.Duplicated(c); d != nil {
			b.dupErr = b.head.DuplicateError(d)
			return
		}
	}
}

func explicitMeasure(p *Profile, h string) (MeasureColumn, bool) {
	for _, m := range p.Measures {
		if normHeading(m.Column) == normHeading(h) {
			return m, true
		}
	}
	return MeasureColumn{}, false
}

// measurePeriod reads an explicit measure column's fiscal year and phase;
// an empty phase takes the profile's.
func measurePeriod(p *Profile, m MeasureColumn) (budget.FiscalYear, budget.Phase, error) {
	fy, err := yearToFiscal(m.FiscalYear, p.Jurisdiction.StartMonth)
	if err != nil {
		return fy, "", err
	}
	phS := m.Phase
	if phS == "" {
		phS = p.Phase
	}
	ph, err := budget.ParsePhase(phS)
	return fy, ph, err
}

// yearToFiscal reads a fiscal year written as "2021-22"/"FY2021-22", or as
// a bare year: for a jurisdiction whose fiscal year starts in January the
// year itself, otherwise the fiscal year ending in it (US usage: FY2022 =
// 2021-22).
func yearToFiscal(s string, startMonth int) (budget.FiscalYear, error) {
	s = strings.TrimSpace(s)
	if startMonth == 0 {
		startMonth = 7
	}
	if len(s) == 4 && isDigits(s) {
		y, _ := strconv.Atoi(s)
		if startMonth == 1 {
			return budget.FiscalYear{Start: y, StartMonth: 1}, nil
		}
		return budget.FiscalYear{Start: y - 1, StartMonth: startMonth}, nil
	}
	fy, err := budget.ParseFiscalYear(s)
	fy.StartMonth = startMonth
	return fy, err
}

var dateRE = regexp.MustCompile(`^(?:(\d{4})-(\d{1,2})-\d{1,2}|(\d{1,2})/\d{1,2}/(\d{4})|(\d{4}))(?:[T ].*)?$`)

// dateToFiscal returns the fiscal year a date falls in: ISO dates
// (2015-01-31), US dates (01/31/2015; the first number is the month) or a
// bare year (the fiscal year of that name, as yearToFiscal).
func dateToFiscal(s string, startMonth int) (budget.FiscalYear, bool) {
	m := dateRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return budget.FiscalYear{}, false
	}
	if m[5] != "" {
		fy, err := yearToFiscal(m[5], startMonth)
		return fy, err == nil
	}
	ys, ms := m[1], m[2]
	if ys == "" {
		ys, ms = m[4], m[3]
	}
	y, _ := strconv.Atoi(ys)
	mo, _ := strconv.Atoi(ms)
	if mo < 1 || mo > 12 {
		return budget.FiscalYear{}, false
	}
	if startMonth == 0 {
		startMonth = 7
	}
	if mo < startMonth {
		y--
	}
	return budget.FiscalYear{Start: y, StartMonth: startMonth}, true
}

// headingGroups returns the named groups of the regular expression
// alternative that matched heading h.
func headingGroups(alts []string, h string) map[string]string {
	for _, a := range alts {
		if !strings.HasPrefix(a, "re:") {
			continue
		}
		re, err := compileCached(a[3:])
		if err != nil {
			continue
		}
		if m := re.FindStringSubmatch(normHeading(h)); m != nil {
			g := map[string]string{}
			for i, n := range re.SubexpNames() {
				if n != "" {
					g[n] = m[i]
				}
			}
			return g
		}
	}
	return nil
}

// periodOf reads the fy and phase groups of a pivot match.
func periodOf(re interface{ SubexpNames() []string }, m []string) (budget.FiscalYear, budget.Phase, error) {
	var fyS, phS string
	for i, n := range re.SubexpNames() {
		switch n {
		case "fy":
			fyS = m[i]
		case "phase":
			phS = m[i]
		}
	}
	fy, err := budget.ParseFiscalYear(strings.ReplaceAll(fyS, "_", "-"))
	if err != nil {
		return fy, "", err
	}
	ph, err := budget.ParsePhase(strings.ReplaceAll(phS, "_", " "))
	return fy, ph, err
}

// classFields are the fields that place a row; a row with all of them empty
// and amounts present is a total row.
var classFields = []string{"department.code", "department.name", "org_unit.code", "org_unit.name", "program.code", "program.name",
	"fund.code", "fund.name", "source_fund.code", "source_fund.name", "account.code", "account.name", "function.code", "function.name",
	"measure.code", "measure.name", "description", "category", "code", "name", "key"}

// constants are the values a file contributes from its name and the command line.
type constants struct {
	fy      *budget.FiscalYear
	phase   budget.Phase
	section string
}

func fileConstants(p *Profile, file string, opt Options) (constants, error) {
	var c constants
	fyS, phS := p.FiscalYear, p.Phase
	if p.fileRE != nil {
		base := filepath.Base(file)
		if m := p.fileRE.FindStringSubmatch(base); m != nil {
			for i, n := range p.fileRE.SubexpNames() {
				switch n {
				case "fy":
					fyS = m[i]
				case "fyshort":
					if len(m[i]) == 4 {
						fyS = m[i][:2] + "-" + m[i][2:]
					}
				case "phase":
					phS = m[i]
				case "section":
					c.section = m[i]
				}
			}
		}
	}
	if opt.FiscalYear != "" {
		fyS = opt.FiscalYear
	}
	if opt.Phase != "" {
		phS = opt.Phase
	}
	if fyS != "" {
		fy, err := yearToFiscal(fyS, p.Jurisdiction.StartMonth)
		if err != nil {
			return c, fmt.Errorf("%s: fiscal year from the file name or --fy: %w", file, err)
		}
		c.fy = &fy
	}
	if phS != "" {
		ph, err := budget.ParsePhase(phS)
		if err != nil {
			return c, fmt.Errorf("%s: phase from the file name or --phase: %w", file, err)
		}
		c.phase = ph
	}
	return c, nil
}

func datasetName(p *Profile, file string, c constants) string {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)))
	d := p.Dataset
	if d == "" {
		d = p.Jurisdiction.ID + "/{file}"
	}
	sec := "file-" + base
	if c.section != "" {
		sec = "sec" + c.section
	}
	d = strings.ReplaceAll(d, "{section}", sec)
	d = strings.ReplaceAll(d, "{file}", base)
	d = strings.ReplaceAll(d, "{jurisdiction}", p.Jurisdiction.ID)
	return d
}

// Options adjust an import.
type Options struct {
	Profile    *Profile // nil: detect from the headers
	FiscalYear string   // overrides the profile's and the file name's
	Phase      string
	// Progress, when set, is called now and then with bytes read and total.
	Progress func(done, total int64)
	// Limits bound what the readers accept (zero fields: the defaults of
	// tabular.DefaultLimits); a profile's limits: raise them further.
	Limits tabular.Limits
}

// convert runs a bound profile over all rows of src into a batch.
func convert(b *binding, src rowSource, c constants) (*budget.Batch, error) {
	cv := newConverter(b, newBatch(b, c), c)
	sized, _ := src.(fractionReader)
	var seen int64 // bytes of the rows read so far, as cells and separators
	for n := 1; ; n++ {
		line, cells, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := cv.row(line, cells); err != nil {
			return nil, err
		}
		if sized != nil && n <= 1<<17 {
			for _, c := range cells {
				seen += int64(len(c)) + 1
			}
			if n == 1<<13 || n == 1<<17 {
				cv.reserve(n, consumedShare(seen, sized))
			}
		}
	}
	if err := cv.finish(); err != nil {
		return nil, err
	}
	return cv.batch, nil
}

// newBatch is the batch of a bound file before its rows: jurisdiction,
// dataset, source, profile, fiscal year and phase.
func newBatch(b *binding, c constants) *budget.Batch {
	p := b.p
	batch := &budget.Batch{
		Jurisdiction: budget.Jurisdiction{ID: p.Jurisdiction.ID, Name: p.Jurisdiction.Name, StartMonth: p.Jurisdiction.StartMonth},
		Dataset:      datasetName(p, b.file, c),
		SourceFile:   b.file,
		Profile:      p.Name,
		Phase:        c.phase,
	}
	if c.fy != nil {
		batch.FiscalYear = *c.fy
	}
	if p.Record == "requests" && c.fy == nil {
		if fyS := b.colGroups["proposed"]["fy"]; fyS != "" {
			if fy, err := budget.ParseFiscalYear(fyS); err == nil {
				batch.FiscalYear = fy
			}
		}
	}
	if p.Record == "requests" && batch.Phase == "" {
		batch.Phase = budget.Proposed
		if _, ok := b.col["adopted"]; ok {
			batch.Phase = budget.Adopted
		}
	}
	return batch
}

// newConverter prepares the conversion of a bound file's rows into batch.
func newConverter(b *binding, batch *budget.Batch, c constants) *converter {
	p := b.p
	cv := &converter{b: b, batch: batch, c: c, sums: map[int]*budget.Sum{}, totals: map[int]int64{}}
	cv.classIdx = cv.classIdx[:0]
	for _, f := range classFields {
		if i, ok := b.col[f]; ok {
			cv.classIdx = append(cv.classIdx, i)
		}
	}
	for _, f := range []string{"proposed", "adopted", "amount"} {
		if i, ok := b.col[f]; ok {
			cv.amountIdx = append(cv.amountIdx, i)
		}
	}
	for _, pc := range b.pivots {
		cv.amountIdx = append(cv.amountIdx, pc.idx)
	}
	for i, f := range keyFields {
		cv.keyIdx[i] = -1
		if c, ok := b.col[f]; ok {
			cv.keyIdx[i] = c
			cv.keyPad[i] = p.Pad[f]
		}
	}
	cv.keyCol, cv.kindCol = -1, -1
	if c, ok := b.col["key"]; ok {
		cv.keyCol = c
	}
	if c, ok := b.col["kind"]; ok && len(p.KindValues) > 0 {
		cv.kindCol = c
	}
	return cv
}

// finish numbers repeated keys (unless streamed: numbered as read),
// reconciles the total row and refuses a file without rows.
func (cv *converter) finish() error {
	if cv.emit == nil {
		cv.finishKeys()
	}
	if err := cv.reconcile(); err != nil {
		return err
	}
	if cv.batch.Rows() == 0 && cv.emitted == 0 {
		return budget.Errorf(budget.EINVALID, "%s: no rows to import (profile %s found no amounts): check that the file has data under its headings", cv.b.file, cv.b.p.Name)
	}
	return nil
}

// fractionReader is a row source that knows what share of its input it
// has read (0 to 1; 0 when it cannot tell), and how large its input is.
type fractionReader interface {
	fractionRead() float64
	inputBytes() int64
}

// consumedShare estimates the share of the input that the rows read so far
// take, from seen, the bytes of their cells and separators. The reader's
// own share is an upper bound only: it reads ahead by whole blocks (4 MiB),
// so that after the first 8,192 rows of a 120 MB file it reports four times
// the share consumed, and an estimate from it fell short by a fifth even
// after 131,072 rows; the last fifth then grew the slices by doubling,
// copying hundreds of megabytes in one uninterruptible move that stalled
// the garbage collector. The cells' bytes (quotes and carriage returns
// aside) are the consumed share itself; they are used when they are below
// the reader's bound, that is, when the input is plain text the size of the
// file (not compressed, not a workbook).
func consumedShare(seen int64, src fractionReader) float64 {
	bound := src.fractionRead()
	if total := src.inputBytes(); total > 0 && seen > 0 {
		if own := float64(seen) / float64(total); own < bound {
			return own
		}
	}
	return bound
}

// reserve makes room, once the first rows of a large file are read, for
// as many records as the share read so far promises (plus 5%), so that
// the batch's slices are allocated once instead of grown by doubling and
// copying: reading a 1,000,000-row file spent a quarter of its time
// copying grown slices and scanning the copies. rows is the number of
// rows read; an estimate can only be low (a reader reads ahead of the row
// it returns), and the slices still grow as needed.
func (cv *converter) reserve(rows int, read float64) {
	if read <= 0 || read >= 1 {
		return
	}
	// grow returns how many more records to make room for: none while the
	// room already made holds the estimate (a second look must not move a
	// slice of hundreds of megabytes for an estimate a few rows larger),
	// else the estimate and 5% more.
	grow := func(have, room int) int {
		want := int(float64(have) / read)
		if want <= room {
			return 0
		}
		return int(float64(want)*1.05) - have
	}
	if n := grow(len(cv.batch.LineItems), cap(cv.batch.LineItems)); n > 0 {
		cv.batch.LineItems = slices.Grow(cv.batch.LineItems, n)
	}
	if n := grow(len(cv.batch.Requests), cap(cv.batch.Requests)); n > 0 {
		cv.batch.Requests = slices.Grow(cv.batch.Requests, n)
	}
	if n := grow(len(cv.keyed), cap(cv.keyed)); n > 0 && len(cv.keyed) > rows/2 {
		cv.keyed = slices.Grow(cv.keyed, n)
	}
}

type converter struct {
	b         *binding
	batch     *budget.Batch
	c         constants
	classIdx  []int
	amountIdx []int
	sums      map[int]*budget.Sum // column -> sum of its line items
	totals    map[int]int64       // column -> total row cents
	totalLine int
	totalSeen map[int]bool
	keyIdx    [len(keyFields)]int // column of each classification field, -1 if absent
	keyPad    [len(keyFields)]int
	keyBuf    []byte
	sum       [sha256.Size]byte
	keyed     []keyedRow
	lastKeyed int
	// emit, when set, receives each line item as it is read instead of
	// the batch (a streamed import, StreamLineItems); keys are then
	// numbered as they come (occurrences) rather than at the end.
	emit        func(*budget.LineItem) error
	emitted     int
	cur         budget.LineItem
	occurrences *keyCounts
	keyCol      int // column of a mapped key, -1 if none
	kindCol     int // column of a mapped kind, -1 if none
}

// keyFields are the classification fields in the order their codes and
// names enter the natural key.
var keyFields = [...]string{"department.code", "department.name", "org_unit.code", "org_unit.name", "program.code", "program.name",
	"fund.code", "fund.name", "source_fund.code", "source_fund.name", "account.code", "account.name", "function.code", "function.name"}

// at returns field i of keyFields in a row, trimmed and padded.
func (cv *converter) at(cells []string, i int) string {
	c := cv.keyIdx[i]
	if c < 0 || c >= len(cells) {
		return ""
	}
	v := strings.TrimSpace(cells[c])
	if w := cv.keyPad[i]; w > 0 && v != "" && len(v) < w && isDigits(v) {
		v = strings.Repeat("0", w-len(v)) + v
	}
	return v
}

func (cv *converter) cell(cells []string, field string) string {
	i, ok := cv.b.col[field]
	if !ok || i >= len(cells) {
		return ""
	}
	v := strings.TrimSpace(cells[i])
	if w, ok := cv.b.p.Pad[field]; ok && v != "" && len(v) < w && isDigits(v) {
		v = strings.Repeat("0", w-len(v)) + v
	}
	return v
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (cv *converter) inputErr(line, col int, field, value, expected string) error {
	h := ""
	if col >= 0 && col < len(cv.b.header) {
		h = cv.b.header[col]
	}
	return &budget.InputError{File: cv.b.file, Line: line, Column: h, ColIndex: col + 1, Field: field, Value: value, Expected: expected}
}

const amountAdvice = budget.AmountGrammar + "; leave the cell empty or write NA when there is no amount"

// amountErr is the input error of a cell that is not an amount, or one
// beyond the range amounts are kept in.
func (cv *converter) amountErr(line, col int, field, value string, err error) error {
	advice := amountAdvice
	if errors.Is(err, budget.ErrAmountRange) {
		advice = budget.RangeAdvice
	}
	e := cv.inputErr(line, col, field, value, advice).(*budget.InputError)
	e.Err = err
	return e
}

// add adds an amount of column col to its sum, refusing (at this line) a
// sum that leaves the amount range: a total can then never wrap around.
func (cv *converter) add(line, col int, units int64) error {
	s := cv.sums[col]
	if s == nil {
		s = &budget.Sum{}
		cv.sums[col] = s
	}
	if err := s.Add(units); err != nil {
		pl := budget.Kind(cv.b.p.Kind).Places()
		e := cv.inputErr(line, col, "amount", FormatFixed(units, pl),
			"the amounts of this column, down to this line, add up to more than the range allows: "+budget.RangeAdvice).(*budget.InputError)
		e.Err = err
		return e
	}
	return nil
}

// colSum returns the sum of column col's line items.
func (cv *converter) colSum(col int) int64 {
	if s := cv.sums[col]; s != nil {
		return s.Units()
	}
	return 0
}

func (cv *converter) classification(cells []string) budget.Classification {
	return budget.Classification{
		Department: budget.Code{Code: cv.at(cells, 0), Name: cv.at(cells, 1)},
		OrgUnit:    budget.Code{Code: cv.at(cells, 2), Name: cv.at(cells, 3)},
		Program:    budget.Code{Code: cv.at(cells, 4), Name: cv.at(cells, 5)},
		Fund:       budget.Code{Code: cv.at(cells, 6), Name: cv.at(cells, 7)},
		SourceFund: budget.Code{Code: cv.at(cells, 8), Name: cv.at(cells, 9)},
		Account:    budget.Code{Code: cv.at(cells, 10), Name: cv.at(cells, 11)},
		Function:   budget.Code{Code: cv.at(cells, 12), Name: cv.at(cells, 13)},
	}
}

// key returns the row's identifier: the mapped key column, else the
// natural key budget.NaturalKey(dataset, codes and names..., extra...).
// When the same classification repeats in the file, finishKeys later gives
// the n-th repeat (n >= 1) NaturalKey(key, "n"). The row is recorded in
// cv.keyed; the caller sets its item count once the items are appended.
func (cv *converter) key(cells []string, cl budget.Classification, requests bool, extra ...string) string {
	if cv.keyCol >= 0 && cv.keyCol < len(cells) {
		if k := strings.TrimSpace(cells[cv.keyCol]); k != "" {
			cv.lastKeyed = -1
			return k
		}
	}
	buf := append(cv.keyBuf[:0], cv.batch.Dataset...)
	for _, x := range [...]*budget.Code{&cl.Department, &cl.OrgUnit, &cl.Program, &cl.Fund, &cl.SourceFund, &cl.Account, &cl.Function} {
		buf = append(buf, 0x1f)
		buf = append(buf, x.Code...)
		buf = append(buf, 0x1f)
		buf = append(buf, x.Name...)
	}
	for _, e := range extra {
		buf = append(buf, 0x1f)
		buf = append(buf, e...)
	}
	cv.keyBuf = buf
	cv.sum = sha256.Sum256(buf)
	kr := keyedRow{requests: requests}
	copy(kr.id[:], cv.sum[:16])
	if cv.emit != nil {
		// streamed: the n-th repeat of a key in file order takes
		// NaturalKey(key, n) now, as finishKeys would at the end
		n := cv.occurrences.add(kr.id)
		cv.lastKeyed = -1
		if n > 0 {
			return budget.NaturalKey(hex.EncodeToString(kr.id[:]), strconv.Itoa(int(n)))
		}
		var hx [32]byte
		hex.Encode(hx[:], kr.id[:])
		return string(hx[:])
	}
	if requests {
		kr.first = int32(len(cv.batch.Requests))
	} else {
		kr.first = int32(len(cv.batch.LineItems))
	}
	cv.lastKeyed = len(cv.keyed)
	cv.keyed = append(cv.keyed, kr)
	var hx [32]byte
	hex.Encode(hx[:], kr.id[:])
	return string(hx[:])
}

// keyedRow is a row whose key is a natural key: the records it produced
// are items (or requests) [first, first+count).
type keyedRow struct {
	id       [16]byte
	first    int32
	count    int32
	requests bool
}

// setCount records how many records the last keyed row produced.
func (cv *converter) setCount() {
	if cv.lastKeyed < 0 {
		return
	}
	kr := &cv.keyed[cv.lastKeyed]
	if kr.requests {
		kr.count = int32(len(cv.batch.Requests)) - kr.first
	} else {
		kr.count = int32(len(cv.batch.LineItems)) - kr.first
	}
}

// finishKeys numbers repeated natural keys in file order: the first
// occurrence keeps its key, the n-th repeat gets NaturalKey(key, "n").
// Rows without records count as occurrences too.
func (cv *converter) finishKeys() {
	rows := cv.keyed
	// sort row numbers by the first 8 bytes of their id (cheap integer
	// compares), then check whole ids within runs of equal prefixes
	type hs struct {
		h   uint64
		seq int32
	}
	ord := make([]hs, len(rows))
	for i := range rows {
		ord[i] = hs{binary.BigEndian.Uint64(rows[i].id[:8]), int32(i)}
	}
	slices.SortFunc(ord, func(a, b hs) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return int(a.seq - b.seq)
	})
	for i := 0; i < len(ord); {
		j := i + 1
		for j < len(ord) && ord[j].h == ord[i].h {
			j++
		}
		if j-i > 1 {
			// within the run (file order), number repeats of each whole id
			seen := map[[16]byte]int{}
			for _, o := range ord[i:j] {
				r := rows[o.seq]
				n := seen[r.id]
				seen[r.id] = n + 1
				if n == 0 {
					continue
				}
				k := budget.NaturalKey(hex.EncodeToString(r.id[:]), strconv.Itoa(n))
				for x := r.first; x < r.first+r.count; x++ {
					if r.requests {
						cv.batch.Requests[x].Key = k
					} else {
						cv.batch.LineItems[x].Key = k
					}
				}
			}
		}
		i = j
	}
}

func (cv *converter) row(line int, cells []string) error {
	blank := true
	for _, v := range cells {
		if strings.TrimSpace(v) != "" {
			blank = false
			break
		}
	}
	if blank {
		return nil
	}
	if cv.b.p.TotalRow {
		classEmpty := true
		for _, i := range cv.classIdx {
			if i < len(cells) && strings.TrimSpace(cells[i]) != "" {
				classEmpty = false
				break
			}
		}
		if classEmpty {
			return cv.totalRow(line, cells)
		}
	}
	switch cv.b.p.Record {
	case "requests":
		return cv.request(line, cells)
	case "measures":
		return cv.measures(line, cells)
	case "descriptions":
		d := budget.Description{Subject: cv.b.p.Subject, Code: cv.cell(cells, "code"), Name: cv.cell(cells, "name"), Text: cv.cell(cells, "text"), Line: line}
		cv.batch.Descriptions = append(cv.batch.Descriptions, d)
		return nil
	}
	return cv.lineItems(line, cells)
}

func (cv *converter) totalRow(line int, cells []string) error {
	if cv.totalSeen == nil {
		cv.totalSeen = map[int]bool{}
	}
	if cv.totalLine != 0 {
		return cv.inputErr(line, -1, "total", strings.Join(cells, ","), fmt.Sprintf("one grand-total row; line %d is already one: remove the extra total row or fill in its classification", cv.totalLine))
	}
	cv.totalLine = line
	if cv.b.p.Record == "measures" {
		return nil // a sum of unlike measures is not reconciled
	}
	for _, i := range cv.amountIdx {
		if i >= len(cells) {
			continue
		}
		c, empty, err := ParseFixed(cells[i], budget.Kind(cv.b.p.Kind).Places())
		if err != nil {
			return cv.amountErr(line, i, "total", cells[i], err)
		}
		if !empty {
			cv.totals[i], cv.totalSeen[i] = c, true
		}
	}
	return nil
}

func (cv *converter) reconcile() error {
	for _, i := range cv.amountIdx {
		if !cv.totalSeen[i] {
			continue
		}
		tot, sum := cv.totals[i], cv.colSum(i)
		if tot != sum {
			pl := budget.Kind(cv.b.p.Kind).Places()
			return cv.inputErr(cv.totalLine, i, "total", FormatFixed(tot, pl),
				fmt.Sprintf("the line items above add up to %s but the total row says %s (difference %s): correct the amounts or the total row",
					FormatFixed(sum, pl), FormatFixed(tot, pl), FormatFixed(tot-sum, pl)))
		}
		cv.batch.Reconciled = append(cv.batch.Reconciled, budget.Reconciliation{Column: cv.b.header[i], Line: cv.totalLine, TotalCents: tot, SumCents: sum})
	}
	return nil
}

func (cv *converter) kind(line int, cells []string) (budget.Kind, error) {
	p := cv.b.p
	if i := cv.kindCol; i >= 0 {
		v := cv.cell(cells, "kind")
		for k, kind := range p.KindValues {
			if strings.EqualFold(k, v) {
				return budget.Kind(kind), nil
			}
		}
		return "", cv.inputErr(line, i, "kind", v, "one of "+strings.Join(sortedKeys(p.KindValues), ", "))
	}
	return budget.Kind(p.Kind), nil
}

// rowPeriod returns the fiscal year and phase of a long-format row.
func (cv *converter) rowPeriod(line int, cells []string) (budget.FiscalYear, budget.Phase, error) {
	return cv.rowPeriodNeed(line, cells, true)
}

// rowPeriodNeed is rowPeriod; needPhase false accepts a row without a
// phase (explicit measure columns carry their own).
func (cv *converter) rowPeriodNeed(line int, cells []string, needPhase bool) (budget.FiscalYear, budget.Phase, error) {
	var fy budget.FiscalYear
	ph := cv.c.phase
	if cv.c.fy != nil {
		fy = *cv.c.fy
	}
	if i, ok := cv.b.col["period"]; ok {
		v := cv.cell(cells, "period")
		m := cv.b.p.pivotRE.FindStringSubmatch(normHeading(v))
		if m == nil {
			return fy, ph, cv.inputErr(line, i, "period", v, "a fiscal year and phase such as \"2014_15_actuals\" or \"2012-13 Actuals\"")
		}
		f, p, err := periodOf(cv.b.p.pivotRE, m)
		if err != nil {
			return fy, ph, cv.inputErr(line, i, "period", v, err.Error())
		}
		return f, p, nil
	}
	if i, ok := cv.b.col["fiscal_year"]; ok {
		v := cv.cell(cells, "fiscal_year")
		f, err := budget.ParseFiscalYear(v)
		if err != nil {
			return fy, ph, cv.inputErr(line, i, "fiscal_year", v, "a fiscal year such as 2021-22 or FY2021-22")
		}
		fy = f
	}
	if i, ok := cv.b.col["year"]; ok {
		v := cv.cell(cells, "year")
		f, err := yearToFiscal(v, cv.b.p.Jurisdiction.StartMonth)
		if err != nil {
			return fy, ph, cv.inputErr(line, i, "year", v, "a year such as 2015 or a fiscal year such as 2014-15")
		}
		fy = f
	}
	if i, ok := cv.b.col["date"]; ok {
		v := cv.cell(cells, "date")
		f, ok := dateToFiscal(v, cv.b.p.Jurisdiction.StartMonth)
		if !ok {
			return fy, ph, cv.inputErr(line, i, "date", v, "a date such as 2015-01-31 or 01/31/2015, or a year")
		}
		fy = f
	}
	if i, ok := cv.b.col["phase"]; ok {
		v := cv.cell(cells, "phase")
		p, err := budget.ParsePhase(v)
		if err != nil {
			return fy, ph, cv.inputErr(line, i, "phase", v, "proposed, adopted, estimate or actual")
		}
		ph = p
	}
	if fy.Start == 0 {
		return fy, ph, budget.Errorf(budget.EINVALID, "%s: no fiscal year: the file name, its columns and the profile %s give none; pass --fy 2021-22", cv.b.file, cv.b.p.Name)
	}
	if ph == "" && needPhase {
		return fy, ph, budget.Errorf(budget.EINVALID, "%s: no budget phase: the file name, its columns and the profile %s give none; pass --phase adopted (or proposed, estimate, actual)", cv.b.file, cv.b.p.Name)
	}
	return fy, ph, nil
}

func (cv *converter) lineItems(line int, cells []string) error {
	kind, err := cv.kind(line, cells)
	if err != nil {
		return err
	}
	cl := cv.classification(cells)
	key := cv.key(cells, cl, false)
	area, areaLayer := cv.area(cells)
	defer cv.setCount()
	if len(cv.b.pivots) > 0 {
		for _, pc := range cv.b.pivots {
			if pc.idx >= len(cells) {
				continue
			}
			if pc.rowFY {
				fy, _, err := cv.rowPeriodNeed(line, cells, false)
				if err != nil {
					return err
				}
				pc.fy = fy
			}
			c, empty, err := ParseFixed(cells[pc.idx], kind.Places())
			if err != nil {
				return cv.amountErr(line, pc.idx, "amount ("+pc.fy.String()+" "+string(pc.phase)+")", cells[pc.idx], err)
			}
			if empty {
				continue
			}
			if err := cv.add(line, pc.idx, c); err != nil {
				return err
			}
			if err := cv.item(budget.LineItem{Classification: cl, FiscalYear: pc.fy, Phase: pc.phase,
				Kind: kind, AmountCents: c, Key: key, Line: line, Area: area, AreaLayer: areaLayer}); err != nil {
				return err
			}
		}
		return nil
	}
	i, ok := cv.b.col["amount"]
	if !ok {
		return budget.Errorf(budget.EINVALID, "%s: profile %s maps no amount column and no pivoted columns matched: map `amount` or set `pivot`", cv.b.file, cv.b.p.Name)
	}
	v := ""
	if i < len(cells) {
		v = cells[i]
	}
	c, empty, err := ParseFixed(v, kind.Places())
	if err != nil {
		return cv.amountErr(line, i, "amount", v, err)
	}
	if empty {
		return nil
	}
	fy, ph, err := cv.rowPeriod(line, cells)
	if err != nil {
		return err
	}
	if err := cv.add(line, i, c); err != nil {
		return err
	}
	return cv.item(budget.LineItem{Classification: cl, FiscalYear: fy, Phase: ph, Kind: kind, AmountCents: c, Key: key, Line: line,
		Area: area, AreaLayer: areaLayer})
}

// item adds a line item to the batch, or hands it to emit when streamed.
func (cv *converter) item(l budget.LineItem) error {
	if cv.emit != nil {
		cv.emitted++
		cv.cur = l // one item reused: yield reads it before the next
		return cv.emit(&cv.cur)
	}
	cv.batch.LineItems = append(cv.batch.LineItems, l)
	return nil
}

// area returns the row's own area codes (the mapped area column) and the
// layer they belong to; both empty when the row has none.
func (cv *converter) area(cells []string) (string, string) {
	a := cv.cell(cells, "area")
	if a == "" {
		return "", ""
	}
	return a, cv.b.p.AreaLayer
}

func (cv *converter) request(line int, cells []string) error {
	cl := cv.classification(cells)
	r := budget.Request{Classification: cl, FiscalYear: cv.batch.FiscalYear, Description: cv.cell(cells, "description"),
		Category: cv.cell(cells, "category"), Recurrence: recurrence(cv.cell(cells, "recurrence")), Line: line}
	for _, f := range []string{"proposed", "adopted"} {
		i, ok := cv.b.col[f]
		if !ok || i >= len(cells) {
			continue
		}
		c, empty, err := ParseCents(cells[i])
		if err != nil {
			return cv.amountErr(line, i, f, cells[i], err)
		}
		if empty {
			continue
		}
		if err := cv.add(line, i, c); err != nil {
			return err
		}
		c2 := c
		if f == "proposed" {
			r.ProposedCents = &c2
		} else {
			r.AdoptedCents = &c2
		}
	}
	r.Key = cv.key(cells, cl, true, r.Description, r.Category)
	cv.batch.Requests = append(cv.batch.Requests, r)
	cv.setCount()
	return nil
}

// recurrence names LA's one-time/ongoing codes: "BB" (base budget,
// ongoing) and "OT" (one-time); other values are kept as written.
func recurrence(v string) string {
	switch strings.ToUpper(v) {
	case "OT", "ONE-TIME", "ONE TIME", "ONETIME":
		return "one-time"
	case "BB", "ON-GOING", "ONGOING", "OG":
		return "ongoing"
	}
	return v
}

func (cv *converter) measures(line int, cells []string) error {
	base := budget.Measure{Department: budget.Code{Code: cv.cell(cells, "department.code"), Name: cv.cell(cells, "department.name")},
		OrgUnit: budget.Code{Code: cv.cell(cells, "org_unit.code"), Name: cv.cell(cells, "org_unit.name")},
		Program: budget.Code{Code: cv.cell(cells, "program.code"), Name: cv.cell(cells, "program.name")},
		Measure: budget.Code{Code: cv.cell(cells, "measure.code"), Name: cv.cell(cells, "measure.name")},
		Unit:    cv.cell(cells, "unit"), Line: line}
	add := func(i int, fy budget.FiscalYear, ph budget.Phase, pc *pivotCol) error {
		if i >= len(cells) {
			return nil
		}
		v, empty, err := ParseValue(cells[i])
		if err != nil {
			return cv.inputErr(line, i, "value", cells[i], "a number such as 1341733 or 97.5; leave the cell empty when there is no value")
		}
		if empty {
			return nil
		}
		m := base
		m.FiscalYear, m.Phase, m.Value = fy, ph, v
		if pc != nil && pc.measure != "" {
			m.Measure = budget.Code{Code: pc.measure, Name: pc.measure}
			m.Unit = pc.unit
		}
		cv.batch.Measures = append(cv.batch.Measures, m)
		return nil
	}
	if len(cv.b.pivots) > 0 {
		for i := range cv.b.pivots {
			pc := cv.b.pivots[i]
			if pc.rowFY {
				fy, _, err := cv.rowPeriodNeed(line, cells, false)
				if err != nil {
					return err
				}
				pc.fy = fy
			}
			if err := add(pc.idx, pc.fy, pc.phase, &pc); err != nil {
				return err
			}
		}
		return nil
	}
	i, ok := cv.b.col["amount"]
	if !ok {
		return budget.Errorf(budget.EINVALID, "%s: profile %s maps no value column", cv.b.file, cv.b.p.Name)
	}
	if i < len(cells) {
		if _, empty, _ := ParseValue(cells[i]); empty {
			return nil
		}
	}
	fy, ph, err := cv.rowPeriod(line, cells)
	if err != nil {
		return err
	}
	return add(i, fy, ph, nil)
}
