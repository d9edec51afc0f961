// Command budgetlens puts equity at the centre of public budgeting: it loads a
// city's budget, geography and need indicators, measures whether spending
// reaches need, and writes the council report. Each subcommand lives in its
// own file in this directory and only parses flags and calls the packages.
package main

import "os"

func main() { os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr)) }
