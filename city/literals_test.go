package city

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoLosAngelesInCode: no Go string literal names a Los Angeles layer,
// rule set or department outside the LA profile, its embedded data and the
// tests. What is city-specific lives in city profiles.
func TestNoLosAngelesInCode(t *testing.T) {
	p, err := Builtin("la")
	if err != nil {
		t.Fatal(err)
	}
	banned := []string{p.Rules().Name}
	banned = append(banned, p.LayerNames("")...)
	if p.Theil != nil {
		banned = append(banned, p.Theil.Units, p.Theil.Groups)
	}
	for _, ru := range p.Rules().Rules {
		for level, vals := range ru.Match {
			if level != "department" {
				continue
			}
			for _, v := range vals {
				// department names; codes such as "02" are too short to tell
				if strings.Contains(v, " ") && len(v) > 8 {
					banned = append(banned, v)
				}
			}
		}
	}
	// generic words that LA also uses as layer names
	skip := map[string]bool{"tracts": true}
	seen := map[string]bool{}
	var uniq []string
	for _, b := range banned {
		if !seen[b] {
			seen[b] = true
			uniq = append(uniq, b)
		}
	}
	banned = uniq
	root := filepath.Join("..")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case ".git", "bench", "testdata", filepath.Join("store", "storetest"), filepath.Join("city", "profiles"):
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || rel == "embed.go" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, b := range banned {
				if !skip[b] && strings.Contains(s, b) {
					t.Errorf("%s: string literal %q names Los Angeles' %q; put it in the LA profile (city/profiles/la.yaml)", rel, s, b)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
