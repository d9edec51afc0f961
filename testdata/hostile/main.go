// Command hostile writes the attack files of issue 14 on budgetlens'
// tabular readers into a folder, with the command that reads each, so
// they can be tried by hand (the tests make them the same way:
// internal/hostile.Attacks). Nothing large is kept in the repository.
//
//	go run ./testdata/hostile -out /tmp/hostile
//	cd /tmp/hostile && sh commands.sh
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/internal/hostile"
)

func main() {
	out := flag.String("out", "hostile", "folder to write the attack files into")
	rows := flag.Int("rows", 120000, "rows of the service-request files (the open-quote attack needs more than 16 MiB: 120,000)")
	flag.Parse()
	var script strings.Builder
	script.WriteString("#!/bin/sh\n# Each command should exit 2 naming the file and the place, quickly and in little memory.\nDB=${DB:-hostile.duckdb}\n")
	for _, a := range hostile.Attacks(*rows) {
		dir := filepath.Join(*out, a.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fail(err)
		}
		if err := a.Write(dir); err != nil {
			fail(err)
		}
		fmt.Fprintf(&script, "echo '== %s'; budgetlens --db \"$DB\" %s; echo \"exit $?\"\n", a.Name, strings.Join(hostile.Expand(a.Args, a.Name), " "))
		fmt.Println("wrote", dir)
	}
	if err := os.WriteFile(filepath.Join(*out, "commands.sh"), []byte(script.String()), 0o755); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hostile:", err)
	os.Exit(1)
}
