package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newProfileCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "City profiles: write a template, check one, save one in the store, show the one in use",
		Long: `A city profile is one YAML file holding everything budgetlens needs to know about a
city: its layers and their roles, its attribution rules, its need index, fiscal
year and currency, and what the council report says. See
docs/guide/your-city.md.`,
		Example: `  budgetlens profile init --out city.yaml
  budgetlens profile check city.yaml
  budgetlens profile save city.yaml
  budgetlens profile show`,
	}
	cmd.AddCommand(newProfileInitCmd(e), newProfileCheckCmd(e), newProfileSaveCmd(e), newProfileShowCmd(e))
	return cmd
}

func newProfileInitCmd(e *env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "init --out city.yaml",
		Short: "Write a commented city profile to start from",
		Example: `  budgetlens profile init --out city.yaml
  budgetlens profile init | less`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeTemplate(cmd, out, city.Template(), "budgetlens profile check "+out)
		},
	}
	cmd.Flags().StringVar(&out, "out", "-", "file to write; - is standard output")
	return cmd
}

func newRulesCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Attribution rules: write a commented template",
		Example: `  budgetlens rules init --out rules.yaml
  budgetlens analyze --rules rules.yaml --layer wards`,
	}
	var out string
	initCmd := &cobra.Command{
		Use:   "init --out rules.yaml",
		Short: "Write commented attribution rules to start from",
		Example: `  budgetlens rules init --out rules.yaml
  budgetlens rules init > rules.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeTemplate(cmd, out, attribute.Template(), "budgetlens analyze --rules "+out)
		},
	}
	initCmd.Flags().StringVar(&out, "out", "-", "file to write; - is standard output")
	cmd.AddCommand(initCmd)
	return cmd
}

// writeTemplate writes a template to out ("-": standard output) without
// replacing an existing file.
func writeTemplate(cmd *cobra.Command, out string, body []byte, next string) error {
	if out == "-" || out == "" {
		_, err := cmd.OutOrStdout().Write(body)
		return err
	}
	if err := refuseExisting(out); err != nil {
		return err
	}
	f, err := office.CreateAtomic(out, "--out", false)
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	if err := f.Commit(err); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s; edit it, then run: %s\n", out, next)
	return nil
}

func newProfileCheckCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "Check a city profile; errors name the line",
		Example: `  budgetlens profile check city.yaml
  budgetlens profile check la`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := office.LoadCity(args[0])
			if err != nil {
				return err
			}
			return describeProfile(cmd.OutOrStdout(), p, "ok: ")
		},
	}
}

// describeProfile prints a profile's summary.
func describeProfile(w io.Writer, p *city.Profile, prefix string) error {
	rules := "no attribution rules"
	if r := p.Rules(); r != nil {
		rules = fmt.Sprintf("rules %s (%d rules)", r.Name, len(r.Rules))
	}
	var layers []string
	for _, l := range p.Layers {
		s := l.Name + " (" + l.Role
		if l.Default {
			s += ", default"
		}
		layers = append(layers, s+")")
	}
	needS := "no need index"
	if p.Need != nil {
		needS = "need " + strings.TrimSpace(p.Need.Preset+" "+p.Need.Label)
	}
	_, err := fmt.Fprintf(w, "%s%s (%s): fiscal year from month %d, %s; layers %s; %s; %s\n", prefix, p.Name, p.Jurisdiction, p.FiscalYearStart, p.Currency,
		strings.Join(layers, ", "), rules, needS)
	return err
}

func newProfileSaveCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "save FILE",
		Short: "Save a city profile in the store: later commands use it without --profile",
		Example: `  budgetlens profile save city.yaml
  budgetlens --db oakland.duckdb profile save oakland.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := office.LoadCity(args[0])
			if err != nil {
				return err
			}
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				if err := o.SaveCity(ctx, p); err != nil {
					return err
				}
				return describeProfile(cmd.OutOrStdout(), p, "saved: ")
			})
		},
	}
}

func newProfileShowCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Print the city profile in use (--profile, else the one saved in the store)",
		Example: `  budgetlens profile show
  budgetlens profile show > saved_profile.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withOffice(true, func(_ context.Context, o *office.Office) error {
				if o.City == nil {
					return budget.Errorf(budget.ENOTFOUND, "the store has no city profile: save one with budgetlens profile save FILE (budgetlens profile init writes a template)")
				}
				_, err := cmd.OutOrStdout().Write(o.City.Source)
				return err
			})
		},
	}
}

func newCheckCmd(e *env) *cobra.Command {
	var layer, format string
	cmd := &cobra.Command{
		Use:   "check [--layer NAME]",
		Short: "Report what would make numbers wrong before they are computed",
		Long: `check looks at the store with the city profile: areas whose population is 0 or
missing (analyze refuses them), area codes of budget rows and ids of need runs
that match no area, need runs covering only part of a layer, layers of
different vintages, and profile layers that are not stored. It exits 2 when it
finds an error, 0 otherwise (warnings are printed either way). --format csv
lists one row per finding and area (severity, kind, layer, message, item).`,
		Example: `  budgetlens check
  budgetlens check --layer districts
  budgetlens check --format json | jq '.findings[] | select(.severity == "error")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				rep, err := o.Check(ctx, layer)
				if err != nil {
					return err
				}
				switch format {
				case "json":
					if err := table.WriteJSON(cmd.OutOrStdout(), rep); err != nil {
						return err
					}
				case "csv":
					if err := e.writeListing(cmd.OutOrStdout(), format, []string{"severity", "kind", "layer", "message", "item"}, checkRows(rep), nil); err != nil {
						return err
					}
				default:
					printCheck(cmd.OutOrStdout(), rep)
				}
				if n := rep.Errors(); n > 0 {
					return budget.Errorf(budget.EINVALID, "check found %d error(s) that would make numbers wrong", n)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&layer, "layer", "", "check one layer (default: the profile's reporting layers, else every stored layer)")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

// checkRows lists the findings for CSV: one row per finding and item (a
// finding without items has one row with the item empty).
func checkRows(rep *office.CheckReport) [][]string {
	var rows [][]string
	for _, f := range rep.Findings {
		if len(f.Items) == 0 {
			rows = append(rows, []string{f.Severity, f.Kind, f.Layer, f.Message, ""})
		}
		for _, it := range f.Items {
			rows = append(rows, []string{f.Severity, f.Kind, f.Layer, f.Message, it})
		}
	}
	return rows
}

func printCheck(w io.Writer, rep *office.CheckReport) {
	fmt.Fprintf(w, "checked layers: %s\n", strings.Join(rep.Layers, ", "))
	if len(rep.Findings) == 0 {
		fmt.Fprintln(w, "no problems found")
		return
	}
	for _, f := range rep.Findings {
		fmt.Fprintf(w, "%s: %s\n", f.Severity, f.Message)
		items := f.Items
		more := ""
		if len(items) > 20 {
			items, more = items[:20], fmt.Sprintf(" ... and %d more", len(f.Items)-20)
		}
		if len(items) > 0 {
			fmt.Fprintf(w, "  %s%s\n", strings.Join(items, ", "), more)
		}
	}
}
