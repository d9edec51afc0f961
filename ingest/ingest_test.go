package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/xuri/excelize/v2"
)

// TestDetectRealFiles checks that every real export is recognised from its
// headings, with the records it holds and its total row reconciled.
func TestDetectRealFiles(t *testing.T) {
	for _, tc := range []struct {
		file, profile, dataset           string
		items, requests, measures, texts int
		reconciled                       int
	}{
		{"la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv", "la-expenditures", "la/expenditures/sec2", 20345, 0, 0, 0, 4},
		{"la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv", "la-expenditures", "la/expenditures/sec4", 914, 0, 0, 0, 4},
		{"la/budget/FY21-22/Budget_Requests_Detail_Sec2_2122_Adopted.csv", "la-requests", "la/requests/sec2", 0, 5810, 0, 0, 1},
		{"la/budget/FY21-22/Budget_Requests_Detail_Sec4_2122_Adopted.csv", "la-requests", "la/requests/sec4", 0, 216, 0, 0, 1},
		{"la/budget/FY21-22/Performance_Measures_2122_Adopted.csv", "la-measures", "la/measures", 0, 0, 1073, 0, 0},
		{"la/budget/FY21-22/General_Fund_Revenue_2122_Adopted.csv", "la-revenue", "la/revenue/general-fund", 6415, 0, 0, 0, 0},
		{"la/budget/FY21-22/Positions_2122_Adopted.csv", "la-positions", "la/positions", 3239, 0, 0, 0, 0},
		{"la/budget/FY21-22/QRY_Department_Name_Text_2122_Adopted.csv", "la-text-department", "la/text/department", 0, 0, 0, 59, 0},
		{"la/budget/FY21-22/QRY_Program_Description_Text_2122_Adopted.csv", "la-text-program", "la/text/program", 0, 0, 0, 249, 0},
		{"la/budget/FY21-22/QRY_Schedule_Description_Text_2122_Adopted.csv", "la-text-schedule", "la/text/schedule", 0, 0, 0, 55, 0},
		{"la/budget/FY18-19/pm_new.csv", "la-measures-history", "la/measures-history", 0, 0, 2402, 0, 0},
		{"la/budget/FY18-19/program_priorities.csv", "la-program-priorities", "la/text/priority", 0, 0, 0, 241, 0},
		{"la/budget/FY18-19/revenues.csv", "la-revenue-sources", "la/revenue/sources", 992, 0, 0, 0, 0},
		{"la/budget/FY18-19/reserves.csv", "la-reserves", "la/measures/reserves", 0, 0, 30, 0, 0},
		{"la/budget/FY18-19/available_balances.csv", "la-available-balances", "la/measures/available-balances", 0, 0, 41, 0, 0},
		{"la/budget/FY17-18/final_actuals_budget_la_2014_2018_long.csv", "la-actuals-long", "la/revenue/2014-2018", 6651, 0, 0, 0, 0},
		{"la/budget/FY17-18/final_actuals_budget_la_2014_2018_wide.csv", "la-actuals-wide", "la/revenue/2014-2018", 6651, 0, 0, 0, 0},
		{"la/history2014/General_Fund_Budget_Expenditures.csv", "la-history-expenditures", "la/history2014/general-fund-expenditures", 5778, 0, 0, 0, 0},
		{"la/history2014/General_Fund_Revenue.csv", "la-history-revenue", "la/history2014/general-fund-revenue", 5367, 0, 0, 0, 0},
		{"la/history2014/Neighborhood_Council_Expenditures.csv", "la-neighborhood-councils", "la/history2014/neighborhood-council-expenditures", 463, 0, 0, 0, 0},
		{"oakland/FY16-17__adjusted.csv", "oakland", "oakland/budget", 11231, 0, 0, 0, 0},
		{"oakland/FY18-19__proposed.csv", "oakland", "oakland/budget", 16959, 0, 0, 0, 0},
		{"oakland/FY22-23__adopted.csv", "oakland", "oakland/budget", 22235, 0, 0, 0, 0},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			bs, err := File(fixture.Data(t, tc.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			b := bs[0]
			if b.Profile != tc.profile || b.Dataset != tc.dataset {
				t.Errorf("profile %s dataset %s; want %s %s", b.Profile, b.Dataset, tc.profile, tc.dataset)
			}
			if len(b.LineItems) != tc.items || len(b.Requests) != tc.requests || len(b.Measures) != tc.measures || len(b.Descriptions) != tc.texts {
				t.Errorf("items %d requests %d measures %d texts %d", len(b.LineItems), len(b.Requests), len(b.Measures), len(b.Descriptions))
			}
			if len(b.Reconciled) != tc.reconciled {
				t.Errorf("%d totals reconciled, want %d", len(b.Reconciled), tc.reconciled)
			}
			keys := map[string]bool{}
			for _, l := range b.LineItems {
				k := l.Key + l.FiscalYear.Label() + string(l.Phase)
				if keys[k] {
					t.Fatalf("duplicate natural key %s at line %d", l.Key, l.Line)
				}
				keys[k] = true
			}
		})
	}
}

func TestLATraits(t *testing.T) {
	bs, err := File(fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := bs[0]
	first := b.LineItems[0]
	// the byte-order mark is gone from the first heading, codes keep their zeros
	if first.Department.Code != "02" || first.Program.Code != "0201" || first.Account.Code != "001010" {
		t.Errorf("codes %+v", first.Classification)
	}
	// line 3 has "Salaries, As-Needed" with an empty 2020-21 Adopted Budget:
	// empty is not zero, so that (year, phase) has no line item
	var phases []string
	for _, l := range b.LineItems {
		if l.Line == 3 {
			phases = append(phases, l.FiscalYear.Label()+" "+string(l.Phase))
		}
	}
	if strings.Join(phases, ",") != "2019-20 actual,2020-21 estimate" {
		t.Errorf("line 3 amounts: %v", phases)
	}
	// the natural key is NaturalKey over the dataset and the codes and names
	c := first.Classification
	if want := budget.NaturalKey("la/expenditures/sec2", c.Department.Code, c.Department.Name, c.OrgUnit.Code, c.OrgUnit.Name, c.Program.Code, c.Program.Name,
		c.Fund.Code, c.Fund.Name, c.SourceFund.Code, c.SourceFund.Name, c.Account.Code, c.Account.Name, "", ""); first.Key != want {
		t.Errorf("key %s, want %s", first.Key, want)
	}
	var sum int64
	for _, l := range b.LineItems {
		if l.FiscalYear.Start == 2021 && l.Phase == budget.Adopted {
			sum += l.AmountCents
		}
	}
	if sum != 1148028811300 {
		t.Errorf("adopted 2021-22 = %d cents, want 1148028811300", sum)
	}
}

func TestRequestsAndMeasures(t *testing.T) {
	bs, err := File(fixture.Data(t, "la/budget/FY21-22/Budget_Requests_Detail_Sec2_2122_Adopted.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := bs[0].Requests[0]
	if r.Department.Code != "02" || r.Recurrence != "ongoing" || r.ProposedCents == nil || *r.ProposedCents != -556600 || r.Category != "1-Obligatory Changes" || r.FiscalYear.Label() != "2021-22" {
		t.Errorf("first request %+v", r)
	}
	bs, err = File(fixture.Data(t, "la/budget/FY18-19/pm_new.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := bs[0].Measures[0]
	// pm_new.csv lost the leading zeros ("2", "201"); the profile pads them back
	if m.Department.Code != "02" || m.Program.Code != "0201" || m.FiscalYear.Label() != "2012-13" || m.Phase != budget.Actual || m.Value != 1537096 {
		t.Errorf("first measure %+v", m)
	}
}

func TestFiscalDataPackages(t *testing.T) {
	for _, tc := range []struct {
		dir      string
		items    int
		sumCents int64
		fy       string
		warnings int
	}{
		{"fdp/examples/minimal", 1, 1000000, "2015", 3},
		{"fdp/examples/entities-denormalized", 2, 3000000, "2015", 3},
		{"fdp/examples/entities-normalized", 2, 3000000, "2015", 3},
		{"fdp/examples/labels-and-hierarchies", 1, 1000000, "2015", 1},
		{"fdp/examples/transform-needed", 6, 760000, "2014", 1},
		{"fdp/al-treasury-spending", 40, -1, "2014", 1},
		{"fdp/eu-allocations-per-ms-2014-2020", 252, -1, "2014", 2},
		{"fdp/madrid-municipal-gastos", 20217, -1, "2012", 0},
		{"fdp/au-budget", 7972, -1, "2014", 1},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			bs, err := File(fixture.Data(t, tc.dir+"/datapackage.json"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			b := bs[0]
			var sum int64
			for _, l := range b.LineItems {
				sum += l.AmountCents
			}
			if len(b.LineItems) != tc.items || (tc.sumCents >= 0 && sum != tc.sumCents) {
				t.Errorf("%d items summing %d, want %d summing %d", len(b.LineItems), sum, tc.items, tc.sumCents)
			}
			if got := b.LineItems[0].FiscalYear.Label(); got != tc.fy {
				t.Errorf("first fiscal year %s, want %s", got, tc.fy)
			}
			if len(b.Warnings) != tc.warnings {
				t.Errorf("warnings %q", b.Warnings)
			}
		})
	}
	// Madrid: codes with leading zeros, two-level administrative tree
	bs, _ := File(fixture.Data(t, "fdp/madrid-municipal-gastos/datapackage.json"), Options{})
	l := bs[0].LineItems[0]
	if l.Department.Code != "001" || l.OrgUnit.Code != "002" || l.Program.Code != "91100" || l.Account.Name != "SUELDOS DEL GRUPO A1" || l.AmountCents != 10273900 {
		t.Errorf("Madrid first item %+v", l)
	}
	// normalized entities: the payee's name comes from the entities resource
	bs, _ = File(fixture.Data(t, "fdp/examples/entities-normalized/datapackage.json"), Options{})
	if n := bs[0].LineItems[0].Department.Name; n != "Acme 1" {
		t.Errorf("joined entity name %q", n)
	}
}

// TestFiscalDataPackageV1 reads a v1.0 package (columnType, normalize and
// constant extra fields) written here after the specification's example.
func TestFiscalDataPackageV1(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "budget.csv"), []byte("Ministry Code,Ministry,Function,Plan 2015,Actual 2015\n01,Health,07,100.50,90\n02,Schools,09,200,\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "datapackage.json"), []byte(`{"name":"v1-test","title":"V1 Test","resources":[{"name":"budget","path":"budget.csv","schema":{
	"fields":[{"name":"Ministry Code","type":"string","columnType":"administrative-classification:generic:level1:code"},
	{"name":"Ministry","type":"string","columnType":"administrative-classification:generic:level1:label"},
	{"name":"Function","type":"string","columnType":"functional-classification:cofog:level1:code"},
	{"name":"Plan 2015","type":"number","normalize":{"Phase":"approved","Fiscal Year":2015}},
	{"name":"Actual 2015","type":"number","normalize":{"Phase":"executed","Fiscal Year":2015}}],
	"extraFields":[{"name":"Amount","type":"number","columnType":"value","normalizationTarget":true},
	{"name":"Phase","type":"string","columnType":"phase:id"},{"name":"Fiscal Year","type":"integer","columnType":"date:fiscal-year"}]}}]}`), 0o644)
	bs, err := File(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range bs[0].LineItems {
		got = append(got, l.Department.Code+"/"+l.Department.Name+"/"+l.Function.Code+"/"+l.FiscalYear.Label()+"/"+string(l.Phase)+"/"+FormatCents(l.AmountCents))
	}
	want := "01/Health/07/2015/adopted/100.50,01/Health/07/2015/actual/90.00,02/Schools/09/2015/adopted/200.00"
	if strings.Join(got, ",") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ","), want)
	}
}

func TestBoston(t *testing.T) {
	dir := filepath.Dir(filepath.Dir(fixture.Data(t, "boston/_source/fy19_adopted/json/_departments/education/boston-public-schools.json")))
	bs, err := File(filepath.Dir(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var items, measures int
	var bps int64
	for _, b := range bs {
		items += len(b.LineItems)
		measures += len(b.Measures)
		for _, l := range b.LineItems {
			if l.Department.Name == "Boston Public Schools" && l.FiscalYear.Label() == "2018-19" && l.Phase == budget.Adopted && l.Fund.Name == "Operating Budget" {
				bps += l.AmountCents
			}
		}
	}
	if items == 0 || measures == 0 {
		t.Fatalf("%d line items, %d measures", items, measures)
	}
	// Boston Public Schools' FY19 operating budget as published: $1,112,248,805
	if bps != 111224880500 {
		t.Errorf("BPS FY19 = %d cents", bps)
	}
}

// TestUserProfileXLSX writes an XLSX with its own headings and reads it
// with a user-written YAML profile.
func TestUserProfileXLSX(t *testing.T) {
	dir := t.TempDir()
	x := excelize.NewFile()
	rows := [][]any{{"Agency", "Agency Name", "Prog", "FY24 Adopted", "FY23 Actual"}, {"0100", "Mayor", "A1", "$1,250.50", 900}, {"0200", "Parks", "B2", "", "NA"}, {"0300", "Library", "C3", "(10.00)", 5}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		x.SetSheetRow("Sheet1", cell, &r)
	}
	xp := filepath.Join(dir, "budget.xlsx")
	if err := x.SaveAs(xp); err != nil {
		t.Fatal(err)
	}
	pp := filepath.Join(dir, "p.yaml")
	os.WriteFile(pp, []byte(`name: mytown
jurisdiction: {id: mytown, name: My Town, start_month: 7}
dataset: mytown/budget
columns:
  department.code: [Agency]
  department.name: [Agency Name]
  program.code: [Prog]
pivot: '^fy(?P<fy>\d{2}) (?P<phase>adopted|actual)$'
required: [department.code]
`), 0o644)
	p, err := LoadProfile(pp)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := File(xp, Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range bs[0].LineItems {
		got = append(got, l.Department.Code+" "+l.FiscalYear.Label()+" "+string(l.Phase)+" "+FormatCents(l.AmountCents))
	}
	want := "0100 2023-24 adopted 1250.50,0100 2022-23 actual 900.00,0300 2023-24 adopted -10.00,0300 2022-23 actual 5.00"
	if strings.Join(got, ",") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ","), want)
	}
}

func TestProfileErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"name: x\ncolumns: {department.code: [A]}\n", "jurisdiction.id is missing"},
		{"name: x\njurisdiction: {id: x}\ncolumns: {dept: [A]}\n", `unknown field "dept" in columns`},
		{"name: x\njurisdiction: {id: x}\nrecord: rows\n", `record "rows": use line_items, requests, measures or descriptions`},
		{"name: x\njurisdiction: {id: x}\npivot: '('\n", "pivot: error parsing regexp"},
		{"name: x\njurisdiction: {id: x}\ncolumnz: {}\n", `p.yaml:3: line 3: value "columnz": a key this part of a column-mapping profile takes (area_layer, columns,`},
	} {
		_, err := parseProfile("p.yaml", []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

// TestNaturalKeysRepeat checks the keys of repeated classifications: the
// first keeps the natural key, the n-th repeat is NaturalKey(key, "n"),
// and rows without amounts still count.
func TestNaturalKeysRepeat(t *testing.T) {
	data := "Dept Code,Dept Name,Org Level 5 Code,Org Level 5 Name,Prog Code,Prog Name,Fund Code,Fund Name,Source Fund Code,Source Fund Name,Account Code,Account Name,2021-22 Adopted\n" +
		"02,Aging,02LVL5,Aging,0201,Senior,100,GF,100,GF,001010,Salaries,5\n" +
		"02,Aging,02LVL5,Aging,0201,Senior,100,GF,100,GF,001010,Salaries,\n" +
		"03,Other,03LVL5,Other,0301,X,100,GF,100,GF,001010,Salaries,7\n" +
		"02,Aging,02LVL5,Aging,0201,Senior,100,GF,100,GF,001010,Salaries,9\n"
	b, err := CSV("Expenditures_Sec2_for_2122_Adopted.csv", []byte(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := budget.NaturalKey("la/expenditures/sec2", "02", "Aging", "02LVL5", "Aging", "0201", "Senior", "100", "GF", "100", "GF", "001010", "Salaries", "", "")
	if len(b.LineItems) != 3 || b.LineItems[0].Key != base || b.LineItems[2].Key != budget.NaturalKey(base, "2") || b.LineItems[1].Key == base {
		t.Errorf("keys %s %s %s; base %s", b.LineItems[0].Key, b.LineItems[1].Key, b.LineItems[2].Key, base)
	}
}
