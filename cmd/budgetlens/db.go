package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newDBCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "The store itself, for its operators (status)",
		Example: `  budgetlens db status
  budgetlens --db postgres://budgetlens@db.example.org/budget db status --format json`,
	}
	cmd.AddCommand(newDBStatusCmd(e))
	return cmd
}

func newDBStatusCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Describe the store: kind, location, server version, migrations, sizes, connection pool",
		Long: `status describes the store --db names (or --db-read, a replica): its kind and
location (a URL's password is never shown), the server's version (and PostGIS'),
whether it is read-only or a standby and how far behind its primary it is, the
statement timeout in force, the schema's migrations (applied, pending, the
newest this budgetlens knows), the size of the database or file and of each
table, and, for PostgreSQL, the connection pool. It only reads.`,
		Example: `  budgetlens db status
  budgetlens --db-read postgres://reader@replica.example.org/budget db status --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return budget.Errorf(budget.EINVALID, "--format %q: use table or json", format)
			}
			return e.withStore(true, func(s store.Store) error {
				st, err := office.StoreStatus(context.Background(), s)
				if err != nil {
					return err
				}
				if format == "json" {
					return table.WriteJSON(cmd.OutOrStdout(), st)
				}
				return writeStatus(cmd.OutOrStdout(), st)
			})
		},
	}
	addFormatFlag(cmd, &format, "table", "json")
	return cmd
}

func writeStatus(w io.Writer, st *store.Status) error {
	yes := map[bool]string{true: "yes", false: "no"}
	rows := [][]string{{"store", st.Kind + "  " + st.Location}, {"server", st.Server}}
	if st.PostGIS != "" {
		rows = append(rows, []string{"PostGIS", st.PostGIS})
	}
	rows = append(rows, []string{"read-only", yes[st.ReadOnly]})
	if st.Kind == "postgres" {
		standby := yes[st.Standby]
		if st.ReplayLagSeconds != nil {
			standby += fmt.Sprintf(" (last replayed transaction %.1f s old)", *st.ReplayLagSeconds)
		}
		rows = append(rows, []string{"standby", standby}, []string{"statement timeout", st.StatementTimeout})
	}
	m := st.Migrations
	pending := "none pending"
	if len(m.Pending) > 0 {
		pending = "pending " + strings.Join(m.Pending, ", ")
	}
	newest := ""
	if len(m.Applied) > 0 {
		newest = ", newest " + m.Applied[len(m.Applied)-1]
	}
	rows = append(rows, []string{"migrations", fmt.Sprintf("%d applied%s; %s (this budgetlens knows up to %s)", len(m.Applied), newest, pending, m.Newest)},
		[]string{"size", bytesText(st.SizeBytes)})
	if p := st.Pool; p != nil {
		rows = append(rows, []string{"connection pool", fmt.Sprintf("max %d, open %d (idle %d, in use %d, opening %d); %d acquired, %d waited (%.3f s in all), %d cancelled; %d opened, %d closed idle, %d closed at their lifetime",
			p.Max, p.Total, p.Idle, p.Acquired, p.Constructing, p.Acquires, p.AcquiresThatWaited, p.AcquireWaitSeconds, p.CanceledAcquires,
			p.NewConnections, p.ClosedForIdleTime, p.ClosedForMaxLifetime)})
	}
	if err := table.WriteAligned(w, rows, nil); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tables := [][]string{{"table", "rows", "bytes"}}
	for _, t := range st.Tables {
		b := ""
		if t.Bytes > 0 {
			b = table.GroupDigits(fmt.Sprint(t.Bytes))
		}
		tables = append(tables, []string{t.Name, table.GroupDigits(fmt.Sprint(t.Rows)), b})
	}
	if err := table.WriteAligned(w, tables, map[int]bool{1: true, 2: true}); err != nil {
		return err
	}
	if st.Kind == "postgres" {
		_, err := fmt.Fprintln(w, "(rows of PostgreSQL tables are the planner's estimates)")
		return err
	}
	return nil
}

// bytesText writes a size in bytes with a unit for people.
func bytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB (%s bytes)", float64(n)/float64(div), "KMGTPE"[exp], table.GroupDigits(fmt.Sprint(n)))
}
