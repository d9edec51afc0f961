package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/budgetlens/budgetlens"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/spf13/cobra"
)

func newDemoCmd(e *env) *cobra.Command {
	o := office.DemoOptions{Data: budgetlens.DemoFS, Open: createStore}
	var dir, cpuProf string
	var noServe, timings bool
	var so serveOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Build the Los Angeles FY2021-22 demo store, analyse it and write the council report",
		Long: `demo builds budgetlens-demo/budgetlens.duckdb (under the current directory; --dir to
change) from the data shipped inside the binary, as the city profile's demo
section lists it (--profile; default: the built-in Los Angeles profile): the LA
FY2021-22 budget and budget requests, the council districts on their 2012
lines (those of FY2021-22) and their 2021 lines, the neighbourhood councils,
the published CalEnviroScreen 3.0 score (its recomputation is a check) as the
need index over LA census tracts placed by their points, with its components
and the ACS 2015-19 poverty share as other measures, ACS 2015-19 population
groups, a year's MyLA311 requests by neighbourhood council (October 2021 to
September 2022, derived from published shares) in the types and places of the
real requests of 19-23 September 2022 (they place the sanitation,
street-lighting, graffiti and street-services dollars), the LAHD
affordable-housing loan sites, the City's parks, the LAFD first-in districts
with their incidents and LADOT's funded projects (docs/evidence.md), and the
LADOT capital plans. A
profile whose demo names no real request file gets --requests SYNTHETIC
requests instead, labelled so. It saves the profile in the store, attributes
every dollar (each once, each with its evidence class), analyses the proposed
budget by council district and writes report.html, report.xlsx and (with Chromium) report.pdf, releases the
phases the city has published, and then serves the dashboard and the API
(budgetlens serve; --addr, default 127.0.0.1:8080) until Ctrl-C. With
--no-serve it stops after the files.`,
		Example: `  budgetlens demo
  budgetlens demo --no-serve --no-pdf --requests 100000
  budgetlens demo --dir /tmp/demo --addr 127.0.0.1:9000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cpuProf != "" {
				f, err := os.Create(cpuProf)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
				defer pprof.StopCPUProfile()
			}
			name := e.profile
			if name == "" {
				name = "la"
			}
			var err error
			if o.City, err = office.LoadCity(name); err != nil {
				return err
			}
			o.Dir = dir
			res, err := office.Demo(context.Background(), o)
			if err != nil {
				return err
			}
			printHeadline(cmd.OutOrStdout(), res)
			if timings {
				for _, st := range res.Stages {
					fmt.Fprintf(cmd.OutOrStdout(), "stage %-50s %6.2f s\n", st.Name, st.Seconds)
				}
			}
			if noServe {
				return nil
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return e.serve(ctx, cmd, so, func() (store.Store, error) { return openServedWrite(res.Store) })
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "budgetlens-demo", "directory of the demo store and reports")
	cmd.Flags().IntVar(&o.Requests, "requests", 1_000_000, "number of synthetic service requests (only when the profile's demo names no real request file)")
	cmd.Flags().Uint64Var(&o.Seed, "seed", 2021, "seed of the synthetic service requests")
	cmd.Flags().BoolVar(&noServe, "no-serve", false, "stop after writing the files instead of serving the dashboard")
	cmd.Flags().StringVar(&so.addr, "addr", "127.0.0.1:8080", "address the dashboard listens on (loopback only)")
	so.reps, so.logFormat = 999, "text"
	cmd.Flags().BoolVar(&o.NoPDF, "no-pdf", false, "skip the PDF")
	cmd.Flags().IntVar(&o.Reps, "reps", 999, "bootstrap replicates and LISA permutations")
	cmd.Flags().BoolVar(&timings, "timings", false, "print the time of each stage")
	cmd.Flags().StringVar(&cpuProf, "cpuprofile", "", "write a CPU profile to FILE")
	cmd.Flags().MarkHidden("cpuprofile")
	return cmd
}

// printHeadline prints the report's headline figures and the files written.
func printHeadline(w io.Writer, res *office.DemoResult) {
	doc := res.Document
	fmt.Fprintf(w, "%s\n", doc.Title)
	for _, f := range doc.Headline {
		fmt.Fprintf(w, "  %-84s %s\n", f.Label, f.Text())
	}
	if len(doc.Synthetic) > 0 {
		fmt.Fprintln(w, "  (service requests are SYNTHETIC, generated for the demo)")
	}
	if res.Written.PDFSkipped != "" {
		fmt.Fprintf(w, "PDF not written: %s\n", res.Written.PDFSkipped)
	}
	for _, p := range []string{res.Written.HTML, res.Written.XLSX, res.Written.PDF} {
		if p != "" {
			fmt.Fprintln(w, "wrote", p)
		}
	}
}
