package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"run","Package":"p/metrics","Test":"TestReferenceVectors"}`,
		`{"Action":"output","Package":"p/metrics","Test":"TestReferenceVectors","Output":"    x_test.go:3: skipped: ../shared/reference/metric-vectors.json is not present\n"}`,
		`{"Action":"skip","Package":"p/metrics","Test":"TestReferenceVectors"}`,
		`{"Action":"run","Package":"p/geo","Test":"TestOther"}`,
		`{"Action":"skip","Package":"p/geo","Test":"TestOther"}`,
		`{"Action":"output","Package":"p/geo","Output":"ok  \tp/geo\t0.1s\n"}`,
		`{"Action":"pass","Package":"p/geo"}`,
	}, "\n")
	var out bytes.Buffer
	code, err := run(strings.NewReader(in), &out, false)
	if err != nil || code != 0 {
		t.Fatalf("not CI: %d %v", code, err)
	}
	s := out.String()
	if !strings.Contains(s, "0 passed, 0 failed, 2 skipped") || !strings.Contains(s, "2 skipped tests") || !strings.Contains(s, "TestReferenceVectors [reference]: x_test.go:3: skipped: ../shared/reference/metric-vectors.json is not present") || !strings.Contains(s, "ok  \tp/geo") {
		t.Fatalf("%s", s)
	}
	out.Reset()
	if code, _ := run(strings.NewReader(in), &out, true); code != 1 || !strings.Contains(out.String(), "1 reference tests were skipped") {
		t.Fatalf("CI: %d %s", code, out.String())
	}
	fail := `{"Action":"output","Package":"p","Test":"TestX","Output":"    boom\n"}` + "\n" + `{"Action":"fail","Package":"p","Test":"TestX","Elapsed":0.5}`
	out.Reset()
	if code, _ := run(strings.NewReader(fail), &out, false); code != 1 || !strings.Contains(out.String(), "--- FAIL: p TestX") || !strings.Contains(out.String(), "boom") {
		t.Fatalf("fail: %d %s", code, out.String())
	}
}
