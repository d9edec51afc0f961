// Command gen writes a synthetic line-item file in the layout of LA's
// Open Budget expenditures export (same headings, codes with leading zeros,
// one pivoted amount column "2021-22 Adopted", some empty cells, a grand
// total row), for the import benchmark. The numbers are synthetic; the file
// is generated, never committed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
)

func main() {
	rows := flag.Int("rows", 1000000, "line-item rows to write")
	out := flag.String("out", "synthetic_expenditures.csv", "output file")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewSource(*seed))
	fmt.Fprint(w, "\ufeffDept Code,Dept Name,Org Level 5 Code,Org Level 5 Name,Prog Code,Prog Name,Fund Code,Fund Name,Source Fund Code,Source Fund Name,Account Code,Account Name,2021-22 Adopted\r\n")
	var total int64
	for i := 0; i < *rows; i++ {
		d := 1 + r.Intn(60)
		p := r.Intn(20)
		fund := 100 + r.Intn(300)
		acct := 1000 + r.Intn(9000)
		amount := ""
		if r.Intn(20) != 0 { // one cell in twenty is empty: no amount, not zero
			v := int64(r.Intn(5000000)) - 200000
			total += v
			amount = fmt.Sprint(v)
		}
		fmt.Fprintf(w, "%02d,Department %02d,%02dLVL5,Department %02d,%02d%02d,Program %02d%02d,%d,Fund %d,%d,Fund %d,%06d,\"Account %d, synthetic\",%s\r\n",
			d, d, d, d, d, p, d, p, fund, fund, fund, fund, acct, acct, amount)
	}
	fmt.Fprintf(w, ",,,,,,,,,,,,%d\r\n", total)
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f.Close()
}
