package budgetlens

import (
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/budgetlens/budgetlens"

// TestArchitectureTable checks docs/ARCHITECTURE.md's package table against
// the code: every package (benchmarks aside) has a row, and the packages
// of budgetlens named in backticks under "depends on" are exactly those it
// imports (tests aside). The root package is written `budgetlens`.
func TestArchitectureTable(t *testing.T) {
	doc, err := os.ReadFile("docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	tick := regexp.MustCompile("`([^`]+)`")
	documented := map[string][]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		name := tick.FindStringSubmatch(cells[1])[1]
		if strings.Contains(name, "*") {
			continue // a family of packages (bench/*)
		}
		var deps []string
		for _, m := range tick.FindAllStringSubmatch(cells[3], -1) {
			deps = append(deps, m[1])
		}
		documented[name] = deps
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	short := func(p string) (string, bool) {
		if p == module {
			return "budgetlens", true
		}
		if strings.HasPrefix(p, module+"/") {
			return strings.TrimPrefix(p, module+"/"), true
		}
		return "", false
	}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		pkg, _ := short(f[0])
		if strings.HasPrefix(pkg, "bench/") {
			continue
		}
		var imports []string
		for _, imp := range f[1:] {
			if s, ok := short(imp); ok {
				imports = append(imports, s)
			}
		}
		deps, ok := documented[pkg]
		if !ok {
			t.Errorf("docs/ARCHITECTURE.md has no row for package %s (it imports %v)", pkg, imports)
			continue
		}
		sort.Strings(imports)
		sort.Strings(deps)
		if strings.Join(imports, " ") != strings.Join(deps, " ") {
			t.Errorf("package %s: docs/ARCHITECTURE.md says it depends on %v; it imports %v", pkg, deps, imports)
		}
		delete(documented, pkg)
	}
	for pkg := range documented {
		t.Errorf("docs/ARCHITECTURE.md documents package %s, which does not exist", pkg)
	}
}
