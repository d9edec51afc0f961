package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/web"
	"github.com/spf13/cobra"
)

// serveOptions are the flags of serve (and of demo, which serves after
// building).
type serveOptions struct {
	addr, tiles, tilesAttribution, logFormat string
	oidcIssuer, oidcClient, oidcRedirect     string
	public                                   bool
	reps                                     int
}

func addServeFlags(cmd *cobra.Command, o *serveOptions) {
	cmd.Flags().StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (internal mode: loopback only)")
	cmd.Flags().BoolVar(&o.public, "public", false, "public mode: read-only, released budget phases only")
	cmd.Flags().StringVar(&o.tiles, "tiles", "", "optional base-map tile URL template ({z}/{x}/{y}); none by default (the map works without one)")
	cmd.Flags().StringVar(&o.tilesAttribution, "tiles-attribution", "", "credit line of the base map")
	cmd.Flags().IntVar(&o.reps, "reps", 999, "permutations of the hot-spot test of the analyses the server computes")
	addEnumFlag(cmd, &o.logFormat, "log", "text", []string{"text", "json", "none"}, "request log on standard error: text, json or none")
	cmd.Flags().StringVar(&o.oidcIssuer, "oidc-issuer", "", "single sign-on: the OpenID Connect issuer URL (the client secret is read from $BUDGETLENS_OIDC_CLIENT_SECRET)")
	cmd.Flags().StringVar(&o.oidcClient, "oidc-client-id", "", "single sign-on: this server's client id at the provider")
	cmd.Flags().StringVar(&o.oidcRedirect, "oidc-redirect-url", "", "single sign-on: this server's /login/oidc/callback URL as registered at the provider")
}

func newServeCmd(e *env) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard and the JSON API",
		Long: `serve answers the dashboard (/, /map, /budget, /requests, /methods) and the JSON
API described at /api/openapi.json, from the store (--db), until Ctrl-C.

Internal mode (the default) shows every budget phase, held or released, and
listens on a loopback address only: there are no logins yet. --public serves
released phases only, read-only: a held phase does not exist there.

The internal server opens the store for writing: the review of budget
requests stores sessions, answers and scores. --public opens it read-only
(--db-read reads a replica instead; replicas serve public reads only). A
DuckDB file served publicly may be read by other budgetlens commands at the
same time, and a command that writes (import, phase release, ...) is refused
while the server runs, with a message naming it. A PostgreSQL store is
written by other processes while the server runs: a phase released or held
through the primary is in effect at the next request.`,
		Example: `  budgetlens serve
  budgetlens --db budgetlens-demo/budgetlens.duckdb serve --addr 127.0.0.1:9000
  budgetlens serve --public --addr 0.0.0.0:8080 --log json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return e.serve(ctx, cmd, o, func() (store.Store, error) { return e.openServed(o.public) })
		},
	}
	addServeFlags(cmd, &o)
	return cmd
}

// openServed opens the store a server serves. The public server reads
// only: --db-read (a replica) when given, else the primary read-only. The
// internal one writes (the review of requests stores sessions, answers and
// scores): it opens the primary (--db) read-write, never creating a DuckDB
// file that is not there; it refuses an explicit --db-read, whose replicas
// serve public reads only, and ignores $BUDGETLENS_DB_READ as every
// command that writes does.
func (e *env) openServed(public bool) (store.Store, error) {
	if public {
		return e.openStore(true)
	}
	if e.dbRead != "" {
		return nil, budget.Errorf(budget.EINVALID, "the internal server writes to the store (sessions, answers, scores), and --db-read %s names a store to read only: serve it with --public, or serve the primary (--db) without --db-read", redact(e.dbRead))
	}
	return openServedWrite(e.dbPath())
}

// serve opens the store (with open, see openServed) and serves it until
// ctx is done.
func (e *env) serve(ctx context.Context, cmd *cobra.Command, o serveOptions, open func() (store.Store, error)) error {
	if err := web.CheckAddr(o.addr, o.public); err != nil {
		return err
	}
	if o.reps < 1 {
		return budget.Errorf(budget.EINVALID, "--reps %d: give 1 or more", o.reps)
	}
	var logger *slog.Logger
	switch o.logFormat {
	case "text":
		logger = slog.New(slog.NewTextHandler(e.stderr, nil))
	case "json":
		logger = slog.New(slog.NewJSONHandler(e.stderr, nil))
	case "none":
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	default:
		return budget.Errorf(budget.EINVALID, "--log %q: use text, json or none", o.logFormat)
	}
	var p *city.Profile
	if e.profile != "" {
		var err error
		if p, err = office.LoadCity(e.profile); err != nil {
			return err
		}
	}
	s, err := open()
	if err != nil {
		return err
	}
	defer s.Close()
	off, err := office.New(ctx, s, p)
	if err != nil {
		return err
	}
	var sso *web.OIDC
	if o.oidcIssuer != "" {
		if o.oidcClient == "" || o.oidcRedirect == "" {
			return budget.Errorf(budget.EINVALID, "--oidc-issuer needs --oidc-client-id and --oidc-redirect-url (and $BUDGETLENS_OIDC_CLIENT_SECRET)")
		}
		sso = &web.OIDC{Issuer: o.oidcIssuer, ClientID: o.oidcClient, ClientSecret: os.Getenv("BUDGETLENS_OIDC_CLIENT_SECRET"), RedirectURL: o.oidcRedirect}
	}
	srv, err := web.New(web.Options{Office: off, Public: o.public, Logger: logger, TileURL: o.tiles, TileAttribution: o.tilesAttribution, Reps: o.reps, OIDC: sso})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return budget.Errorf(budget.EINVALID, "cannot listen on %s: %v (is another server using the port? choose another with --addr)", o.addr, err)
	}
	unmark, err := markServing(s, ln.Addr().String(), o.public)
	if err != nil {
		logger.Warn("cannot record the server beside the store", "err", err)
		unmark = func() {}
	}
	defer unmark()
	mode := "internal (every phase, loopback only)"
	if o.public {
		mode = "public (released phases only, read-only)"
	}
	fmt.Fprintf(cmd.OutOrStdout(), "budgetlens: serving %s, %s, at http://%s/ (Ctrl-C to stop)\n", storePath(s), mode, ln.Addr())
	go srv.Warm(ctx)
	err = web.Serve(ctx, ln, srv, 10*time.Second)
	fmt.Fprintln(cmd.OutOrStdout(), "budgetlens: server stopped")
	return err
}
