// Command testreport reads `go test -json` on standard input and prints what
// a person needs: each package's result, the output of failed tests, and at
// the end every skipped test with the reason it gave. Under CI=true it fails
// when a reference test (metric vectors, CalEnviroScreen, CEJST, SEDT: the
// tests that compare budgetlens with published methods) was skipped, for
// example because ../shared was missing. It exits 1 when a test failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
)

// event is one line of go test -json (test2json).
type event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// reference names the tests that check budgetlens against published
// reference values.
var reference = regexp.MustCompile(`^Test(ReferenceVectors|.*Vectors|CES|CEJST|SEDT|Index(CES|CEJST))`)

type key struct{ pkg, test string }

func main() {
	code, err := run(os.Stdin, os.Stdout, os.Getenv("CI") == "true")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(in io.Reader, out io.Writer, ci bool) (int, error) {
	outputs := map[key][]string{}
	var skipped []key
	failed, passed := 0, 0
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			fmt.Fprintln(out, string(line)) // build errors are not JSON
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "output":
			outputs[k] = append(outputs[k], e.Output)
			if e.Test == "" && (strings.HasPrefix(e.Output, "ok ") || strings.HasPrefix(e.Output, "FAIL") || strings.HasPrefix(e.Output, "?")) {
				fmt.Fprint(out, e.Output)
			}
		case "pass":
			if e.Test != "" {
				passed++
			}
		case "skip":
			if e.Test != "" {
				skipped = append(skipped, k)
			}
		case "fail":
			if e.Test != "" {
				failed++
				fmt.Fprintf(out, "--- FAIL: %s %s (%.2fs)\n", e.Package, e.Test, e.Elapsed)
				for _, o := range outputs[k] {
					fmt.Fprint(out, "    "+o)
				}
			} else if len(outputs[k]) > 0 && failed == 0 {
				// a package that failed without a failing test (build error, panic in init)
				for _, o := range outputs[k] {
					fmt.Fprint(out, o)
				}
				failed++
			}
		}
		if e.Action != "output" && e.Test != "" && e.Action != "skip" {
			delete(outputs, k)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	sort.Slice(skipped, func(i, j int) bool {
		if skipped[i].pkg != skipped[j].pkg {
			return skipped[i].pkg < skipped[j].pkg
		}
		return skipped[i].test < skipped[j].test
	})
	refSkipped := 0
	if len(skipped) > 0 {
		fmt.Fprintf(out, "\n%d skipped tests:\n", len(skipped))
		for _, k := range skipped {
			mark := ""
			if reference.MatchString(topTest(k.test)) {
				mark = " [reference]"
				refSkipped++
			}
			fmt.Fprintf(out, "  %s %s%s: %s\n", k.pkg, k.test, mark, skipReason(outputs[k]))
		}
	}
	fmt.Fprintf(out, "\n%d passed, %d failed, %d skipped\n", passed, failed, len(skipped))
	if failed > 0 {
		return 1, nil
	}
	if ci && refSkipped > 0 {
		fmt.Fprintf(out, "\nCI: %d reference tests were skipped; they must run in CI (is ../shared present?)\n", refSkipped)
		return 1, nil
	}
	return 0, nil
}

// topTest is the top-level test of a subtest name.
func topTest(name string) string {
	top, _, _ := strings.Cut(name, "/")
	return top
}

// skipReason is the message a skipped test gave (its last output lines).
func skipReason(lines []string) string {
	var msgs []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		msgs = append(msgs, t)
	}
	if len(msgs) == 0 {
		return "(no reason given)"
	}
	return strings.Join(msgs, " ")
}
