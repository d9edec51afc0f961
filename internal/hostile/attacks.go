package hostile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Attack is one hostile input and the command that reads it. Its files
// are written into a folder by Write; Args are the CLI arguments (after
// --db STORE) with {dir} standing for that folder. Every attack must end
// with exit status 2 and a message holding Place (the file and the place
// in it), quickly, in bounded memory, with the store unchanged and
// nothing left in the temporary directory.
type Attack struct {
	Name  string
	Write func(dir string) error
	Args  []string
	Place string
	// Never lists text the message must not hold (a secret file's
	// contents).
	Never []string
}

// laHead is the header of LA's expenditures export (Sec2).
const laHead = "Dept Code,Dept Name,Org Level 5 Code,Org Level 5 Name,Prog Code,Prog Name,Fund Code,Fund Name,Source Fund Code,Source Fund Name,Account Code,Account Name,2021-22 Adopted\n"

func laLine(dept, amount string) string {
	return dept + ",Dept,X,X,0201,Prog,100,General Fund,100,General Fund,001010,Salaries," + amount + "\n"
}

// popSpec is a need-index spec weighted by a population column.
const popSpec = `name: pop
version: "1"
method: composite
normalise: {method: none}
population: pop
population_weighted: true
indicators: [{name: x}]
components: [{name: c, domains: [{name: d, indicators: [x]}]}]
tiers: {method: quantiles, n: 2}
`

func file(name string, write func(w io.Writer) error) func(dir string) error {
	return func(dir string) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
}

func text(name, body string) func(dir string) error {
	return file(name, func(w io.Writer) error { _, err := io.WriteString(w, body); return err })
}

func all(fs ...func(dir string) error) func(dir string) error {
	return func(dir string) error {
		for _, f := range fs {
			if err := f(dir); err != nil {
				return err
			}
		}
		return nil
	}
}

// Attacks returns the attacks of issue 14 on the tabular readers, with
// variants. requestsRows sizes the service-request files (100,000 rows is
// about 15 MB; the open-quote attack needs more than record-bytes, 16 MiB).
func Attacks(requestsRows int) []Attack {
	sec2 := "Expenditures_Sec2_for_2122_Adopted.csv"
	return []Attack{
		{Name: "xlsx-wide-rows-import", Write: file("wide.xlsx", func(w io.Writer) error { return WideRowsXLSX(w, 20000, "XFD") }),
			Args: []string{"import", "{dir}/wide.xlsx"}, Place: "wide.xlsx:1:16384"},
		{Name: "xlsx-wide-rows-index", Write: file("wide.xlsx", func(w io.Writer) error { return WideRowsXLSX(w, 20000, "XFD") }),
			Args: []string{"index", "run", "--preset", "ces4", "--indicators", "{dir}/wide.xlsx"}, Place: "wide.xlsx:1:16384"},
		{Name: "xlsx-rows-at-column-4096-index", Write: file("fan.xlsx", func(w io.Writer) error { return WideRowsXLSX(w, 20000, "FAN") }),
			Args: []string{"index", "run", "--preset", "ces4", "--indicators", "{dir}/fan.xlsx"}, Place: "fan.xlsx:"},
		{Name: "xlsx-junk-member-import", Write: file("junk.xlsx", func(w io.Writer) error { return JunkMemberXLSX(w, 4<<30) }),
			Args: []string{"import", "{dir}/junk.xlsx"}, Place: "junk.xlsx: (field limit member-bytes)"},
		{Name: "xlsx-junk-member-index", Write: file("junk.xlsx", func(w io.Writer) error { return JunkMemberXLSX(w, 4<<30) }),
			Args: []string{"index", "run", "--preset", "ces4", "--indicators", "{dir}/junk.xlsx"}, Place: "junk.xlsx: (field limit member-bytes)"},
		{Name: "requests-stray-quote", Write: file("stray.csv", func(w io.Writer) error {
			return ServiceRequests(w, RequestsOptions{Rows: requestsRows, StrayQuoteAt: requestsRows / 2})
		}), Args: []string{"events", "summarize", "--layer", "districts", "--in", "{dir}/stray.csv"}, Place: fmt.Sprintf("stray.csv:%d:5", requestsRows/2+1)},
		{Name: "requests-open-quote", Write: file("open.csv", func(w io.Writer) error {
			return ServiceRequests(w, RequestsOptions{Rows: requestsRows, OpenQuoteAt: 100})
		}), Args: []string{"events", "summarize", "--lenient", "--layer", "districts", "--in", "{dir}/open.csv"}, Place: "open.csv:101:5"},
		{Name: "amount-beyond-int64", Write: text(sec2, laHead+laLine("02", "92233720368547758.08")),
			Args: []string{"import", "{dir}/" + sec2}, Place: sec2 + ":2:13"},
		{Name: "amount-beyond-range", Write: text(sec2, laHead+laLine("02", "10000000000000000.00")),
			Args: []string{"import", "{dir}/" + sec2}, Place: sec2 + ":2:13"},
		{Name: "running-sum-overflow-forged-total", Write: text(sec2, laHead+laLine("02", "9999999999999999.99")+laLine("03", "9999999999999999.99")+
			laLine("04", "-9999999999999999.99")+",,,,,,,,,,,,1000.00\n"), Args: []string{"import", "{dir}/" + sec2}, Place: sec2 + ":3:13"},
		{Name: "forged-total", Write: text(sec2, laHead+laLine("02", "5")+laLine("03", "7")+",,,,,,,,,,,,1000.00\n"),
			Args: []string{"import", "{dir}/" + sec2}, Place: sec2 + ":4:13"},
		{Name: "sign-double-minus", Write: text(sec2, laHead+laLine("02", "--5")), Args: []string{"import", "{dir}/" + sec2}, Place: sec2 + ":2:13"},
		{Name: "sign-minus-dollar-minus", Write: text(sec2, laHead+laLine("02", "-$-5")), Args: []string{"import", "{dir}/" + sec2}, Place: sec2 + ":2:13"},
		{Name: "sign-minus-in-parentheses", Write: text(sec2, laHead+laLine("02", "(-5)")), Args: []string{"import", "{dir}/" + sec2}, Place: sec2 + ":2:13"},
		{Name: "duplicate-amount-heading", Write: text(sec2, strings.TrimSuffix(laHead, "\n")+",2021-22 Adopted\n"+strings.TrimSuffix(laLine("02", "5"), "\n")+",6\n"),
			Args: []string{"import", "{dir}/" + sec2}, Place: sec2 + ":1:14"},
		{Name: "nul-in-name", Write: text(sec2, laHead+"02,Ag\x00ing,X,X,0201,Prog,100,GF,100,GF,001010,Salaries,5\n"),
			Args: []string{"import", "{dir}/" + sec2}, Place: sec2 + ":2:2"},
		{Name: "population-negative", Write: all(text("spec.yaml", popSpec), text("pop.csv", "GEOID,pop,x\na,10,1\nb,-5,2\n")),
			Args: []string{"index", "run", "--spec", "{dir}/spec.yaml", "--indicators", "{dir}/pop.csv"}, Place: "pop.csv:3:2"},
		{Name: "population-1e300", Write: all(text("spec.yaml", popSpec), text("pop.csv", "GEOID,pop,x\na,10,1\nb,1e300,2\n")),
			Args: []string{"index", "run", "--spec", "{dir}/spec.yaml", "--indicators", "{dir}/pop.csv"}, Place: "pop.csv:3:2"},
		{Name: "duplicate-indicator-heading", Write: all(text("spec.yaml", popSpec), text("dup.csv", "GEOID,pop,x,X\na,10,1,2\n")),
			Args: []string{"index", "run", "--spec", "{dir}/spec.yaml", "--indicators", "{dir}/dup.csv"}, Place: "dup.csv:1:4"},
		{Name: "datapackage-etc-passwd", Write: dataPackage("../../../../etc/passwd"),
			Args: []string{"import", "{dir}/pkg"}, Place: "datapackage.json: (field resources[\"budget\"].path)", Never: []string{"root:"}},
		{Name: "datapackage-secret-outside", Write: all(text("secret.csv", "amount,dept\nTOPSECRET,x\n"), dataPackage("../secret.csv")),
			Args: []string{"import", "{dir}/pkg"}, Place: "datapackage.json: (field resources[\"budget\"].path)", Never: []string{"TOPSECRET"}},
		{Name: "datapackage-symlink-out", Write: all(text("secret.csv", "amount,dept\nTOPSECRET,x\n"), dataPackage("link.csv"), func(dir string) error {
			return os.Symlink(filepath.Join(dir, "secret.csv"), filepath.Join(dir, "pkg", "link.csv"))
		}), Args: []string{"import", "{dir}/pkg"}, Place: "datapackage.json: (field resources[\"budget\"].path)", Never: []string{"TOPSECRET"}},
	}
}

// dataPackage writes pkg/datapackage.json whose one resource has the given
// path, with its amount and department columns mapped.
func dataPackage(path string) func(dir string) error {
	return func(dir string) error {
		if err := os.MkdirAll(filepath.Join(dir, "pkg"), 0o755); err != nil {
			return err
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, `{"name":"p","resources":[{"name":"budget","path":%q}],"model":{"measures":{"amount":{"source":"amount"}},`+
			`"dimensions":{"dept":{"dimensionType":"classification","classificationType":"administrative","attributes":{"dept":{"source":"dept"}}}}}}`, path)
		return os.WriteFile(filepath.Join(dir, "pkg", "datapackage.json"), b.Bytes(), 0o644)
	}
}

// Expand replaces {dir} in args.
func Expand(args []string, dir string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, "{dir}", dir)
	}
	return out
}
