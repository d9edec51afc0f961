package budget

import "testing"

func TestParseFiscalYear(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		bad  bool
	}{
		{"2021-22", "2021-22", false},
		{"FY2021-22", "2021-22", false},
		{"fy21-22", "2021-22", false},
		{"2021-2022", "2021-22", false},
		{"FY2022", "2021-22", false},
		{"1999-00", "1999-00", false},
		{"2021-23", "", true},
		{"next year", "", true},
	} {
		fy, err := ParseFiscalYear(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: want error, got %v", tc.in, fy)
			}
			continue
		}
		if err != nil || fy.Label() != tc.want {
			t.Errorf("%q: got %v, %v; want %s", tc.in, fy.Label(), err, tc.want)
		}
	}
}

func TestParsePhase(t *testing.T) {
	for in, want := range map[string]Phase{"Adopted Budget": Adopted, "Estimates": Estimate, "actuals": Actual, "Proposed": Proposed, "revised": Estimate} {
		got, err := ParsePhase(in)
		if err != nil || got != want {
			t.Errorf("%q: got %v, %v", in, got, err)
		}
	}
	if _, err := ParsePhase("final"); ErrorCode(err) != EINVALID {
		t.Errorf("want EINVALID, got %v", err)
	}
}
