package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// CheckAddr refuses an address the mode may not listen on: the internal
// server shows held phases and has no logins yet, so it listens on a
// loopback address only (127.0.0.0/8, ::1 or localhost).
func CheckAddr(addr string, public bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return budget.Errorf(budget.EINVALID, "--addr %q: give host:port, for example 127.0.0.1:8080", addr)
	}
	if public {
		return nil
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return budget.Errorf(budget.EINVALID, "--addr %s: the internal server shows budget phases that are not released and has no logins yet, so it listens on loopback only (127.0.0.1:PORT, [::1]:PORT or localhost:PORT); to serve other machines use --public, which shows released phases only", addr)
}

// Serve serves s on ln until ctx is done, then shuts down gracefully:
// it stops accepting, lets requests in flight finish (up to grace), and
// returns. Slow clients are bounded by header, read, write and idle
// timeouts, and headers by 64 KiB.
func Serve(ctx context.Context, ln net.Listener, s *Server, grace time.Duration) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.opt.RequestTimeout + 30*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
