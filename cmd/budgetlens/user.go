package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/spf13/cobra"
)

// newUserCmd is `budgetlens user add|ls`: the people who sign in to the
// server's review of budget requests.
func newUserCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Users of the review of budget requests: add, list",
		Long: `Users sign in to the server (serve) to draft, review, score and decide the equity
assessments of budget requests. Roles:

  admin      everything, and users
  analyst    runs the review: assigns, reviews, scores, decides, locks a phase
  reviewer   scores the assessments assigned to her
  submitter  a department's staff: drafts and submits her department's only
  council    reads everything internal, changes nothing
  public     reads what is released

See docs/assess.md.`,
		Example: `  printf '%s\n' "$PASSWORD" | budgetlens user add --role analyst ana
  budgetlens user ls`,
	}
	cmd.AddCommand(newUserAddCmd(e), newUserLsCmd(e))
	return cmd
}

func newUserAddCmd(e *env) *cobra.Command {
	var opt office.UserOptions
	cmd := &cobra.Command{
		Use:   "add --role ROLE [--department CODE] NAME",
		Short: "Add a user; the password is read from standard input (first line)",
		Long: `add creates a local account. The password is the first line of standard input
(at least 8 characters), so it never appears in the command line or the shell's
history: printf '%s\n' "$PASSWORD" | budgetlens user add --role analyst ana.
It is stored as an argon2id hash. A submitter works for one department:
--department CODE, the code as budgetlens assess coverage lists it.`,
		Example: `  printf '%s\n' "$PASSWORD" | budgetlens user add --role analyst ana
  printf '%s\n' "$PASSWORD" | budgetlens user add --role submitter --department 12 dept.staff
  budgetlens user add --role reviewer --oidc-subject 'https://login.example.org|4f2a9c' rev.one < /dev/null`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.Name = args[0]
			if opt.By == "" {
				opt.By = osUser()
			}
			pw, err := readPassword(cmd.InOrStdin())
			if err != nil && opt.Subject == "" {
				return err
			}
			opt.Password = pw
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				u, err := o.AddUser(ctx, opt)
				if err != nil {
					return err
				}
				dept := ""
				if u.Department != "" {
					dept = " of department " + u.Department
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added user %s (%s%s)\n", u.Name, u.Role, dept)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&opt.Role, "role", "", "admin, analyst, reviewer, submitter, council or public")
	completeWords(cmd, "role", "admin", "analyst", "reviewer", "submitter", "council", "public")
	cmd.Flags().StringVar(&opt.Department, "department", "", "a submitter's department code")
	cmd.Flags().StringVar(&opt.Subject, "oidc-subject", "", "link a single-sign-on account: ISSUER|SUBJECT")
	cmd.Flags().StringVar(&opt.By, "as", "", "who adds the user (default: the operating-system user)")
	cmd.MarkFlagRequired("role")
	return cmd
}

// readPassword reads the first line of r (without its line ending).
func readPassword(r io.Reader) (string, error) {
	sc := bufio.NewScanner(io.LimitReader(r, 4096))
	if !sc.Scan() {
		return "", budget.Errorf(budget.EINVALID, "give the password on standard input (one line)")
	}
	return strings.TrimRight(sc.Text(), "\r"), nil
}

func newUserLsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the users (never their password hashes)",
		Example: `  budgetlens user ls
  budgetlens user ls --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				us, err := o.Store.Users(ctx)
				if err != nil {
					return err
				}
				var rows [][]string
				for _, u := range us {
					rows = append(rows, []string{u.Name, string(u.Role), u.Department, fmt.Sprint(u.Disabled), u.Created.Format("2006-01-02")})
				}
				return e.writeListing(cmd.OutOrStdout(), format, []string{"name", "role", "department", "disabled", "created"}, rows, us)
			})
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

// newAuditCmd is `budgetlens audit verify|ls`.
func newAuditCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "The audit trail of the review: verify its hash chain, list it",
		Long: `Every change to an assessment, a user or a phase lock is written, in the same
transaction as the change, to the append-only audit_log, each row's hash covering
the row before it. verify recomputes the chain and names the first entry that
was edited or deleted directly in the database.`,
		Example: `  budgetlens audit verify
  budgetlens audit ls --object assessment/42`,
	}
	cmd.AddCommand(newAuditVerifyCmd(e), newAuditLsCmd(e))
	return cmd
}

func newAuditVerifyCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Check the audit log's hash chain; exit 1 naming the first broken entry",
		Example: `  budgetlens audit verify
  budgetlens --db review.duckdb audit verify && echo intact`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				r, err := o.VerifyAudit(ctx)
				if err != nil {
					return err
				}
				if r.Broken != nil {
					return budget.Errorf(budget.ECONFLICT, "audit log broken at entry %d: %s (%d entries read)", r.Broken.Seq, r.Broken.Reason, r.Entries)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "audit log intact: %d entries, head %s\n", r.Entries, r.Head)
				return nil
			})
		},
	}
}

func newAuditLsCmd(e *env) *cobra.Command {
	var format, object string
	cmd := &cobra.Command{
		Use:   "ls [--object assessment/ID]",
		Short: "List audit entries (who, when, what)",
		Example: `  budgetlens audit ls
  budgetlens audit ls --object assessment/42
  budgetlens audit ls --object user/ana --format json
  budgetlens audit ls --format csv > audit_log.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				log, err := o.Store.AuditLog(ctx, auditFilter(object))
				if err != nil {
					return err
				}
				var rows [][]string
				for _, x := range log {
					rows = append(rows, []string{fmt.Sprint(x.Seq), x.At.Format("2006-01-02T15:04:05Z"), x.Actor, x.Action, x.Object, x.Hash[:16]})
				}
				return e.writeListing(cmd.OutOrStdout(), format, []string{"seq", "at", "actor", "action", "object", "hash"}, rows, log)
			})
		},
	}
	cmd.Flags().StringVar(&object, "object", "", "only this object (assessment/ID, user/NAME)")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func auditFilter(object string) store.AuditFilter { return store.AuditFilter{Object: object} }
