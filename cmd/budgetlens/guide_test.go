package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// TestYourCityGuide runs every budgetlens command of the analysts' guide
// (docs/guide/your-city.md) as written, in order, from a folder that looks
// like the source folder (testdata/ beside it): each must succeed.
func TestYourCityGuide(t *testing.T) {
	root := fixture.Root()
	f, err := os.Open(filepath.Join(root, "docs", "guide", "your-city.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```sh"):
			in = true
		case strings.HasPrefix(l, "```"):
			in = false
		case in && strings.HasPrefix(l, "budgetlens "):
			cmds = append(cmds, l)
		}
	}
	if len(cmds) < 10 {
		t.Fatalf("the guide has %d budgetlens commands", len(cmds))
	}
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(root, "testdata"), filepath.Join(dir, "testdata")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, c := range cmds {
		args := strings.Fields(strings.TrimPrefix(c, "budgetlens "))
		code, out, e := run(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", c, code, out, e)
		}
		noLANames(t, c, out+e)
	}
}
