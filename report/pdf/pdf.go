// Package pdf prints a council report (report.Document) to PDF with headless
// Chromium, driven through the DevTools protocol by chromedp. It is the only
// package that depends on chromedp.
package pdf

import (
	"context"
	"errors"
	"fmt"
	htmlpkg "html"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/report/render"

	"github.com/budgetlens/budgetlens/report"
	"github.com/chromedp/chromedp"
)

// ChromiumMissingError is returned by RenderPDF when no Chromium or Chrome
// executable is found. The HTML and the XLSX do not need it, so callers
// write those and print the message.
type ChromiumMissingError struct {
	Tried []string // the names and paths looked for
}

// Unavailable marks the error as "no PDF printer here" (report/render
// writes the HTML and XLSX anyway and says how to get the PDF).
func (e *ChromiumMissingError) Unavailable() bool { return true }

func (e *ChromiumMissingError) Error() string {
	return "report: the PDF was not written because no Chromium browser was found (looked for " +
		strings.Join(e.Tried, ", ") + "). Install it with `sudo apt-get install chromium` (Debian/Ubuntu), " +
		"or set BUDGETLENS_CHROMIUM to the path of a Chromium or Chrome executable, and run the command again; " +
		"the HTML report can also be printed to PDF from any browser"
}

// chromiumNames are looked up on PATH, in order, after $BUDGETLENS_CHROMIUM.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell", "headless-shell"}

// FindChromium returns the path of the browser RenderPDF uses:
// $BUDGETLENS_CHROMIUM when set, else the first of chromium,
// chromium-browser, google-chrome... found on PATH. It returns a
// *ChromiumMissingError when there is none.
func FindChromium() (string, error) {
	var tried []string
	if p := os.Getenv("BUDGETLENS_CHROMIUM"); p != "" {
		if found, err := exec.LookPath(p); err == nil {
			return found, nil
		}
		tried = append(tried, "$BUDGETLENS_CHROMIUM="+p)
	}
	for _, n := range chromiumNames {
		if found, err := exec.LookPath(n); err == nil {
			return found, nil
		}
		tried = append(tried, n)
	}
	return "", &ChromiumMissingError{Tried: tried}
}

// PDFOptions controls RenderPDF. The zero value prints on Letter paper
// with a 60-second limit.
type PDFOptions struct {
	A4      bool          // A4 paper instead of US Letter
	Timeout time.Duration // whole browser run; default 60 s
	Browser string        // executable; default FindChromium()
}

// Printer returns a PDF printer for render.Options.
func Printer(opt PDFOptions) func(ctx context.Context, d *report.Document) ([]byte, error) {
	return func(ctx context.Context, d *report.Document) ([]byte, error) { return RenderPDF(ctx, d, opt) }
}

// RenderPDF prints the document's HTML to PDF with headless Chromium
// (driven through the DevTools protocol by chromedp), with page numbers in
// the footer and the background colours of the charts. The browser runs
// with a fresh profile directory that is removed afterwards, without
// sandbox (so it runs as root in containers), GPU, QUIC, background
// networking, component updates or sync; the page has no external resource,
// so nothing is fetched. It returns a *ChromiumMissingError when no browser
// is installed.
func RenderPDF(ctx context.Context, d *report.Document, opt PDFOptions) ([]byte, error) {
	html, err := render.HTML(d)
	if err != nil {
		return nil, err
	}
	return htmlToPDF(ctx, html, d.Title, opt)
}

func htmlToPDF(ctx context.Context, html []byte, title string, opt PDFOptions) ([]byte, error) {
	browser := opt.Browser
	if browser == "" {
		var err error
		if browser, err = FindChromium(); err != nil {
			return nil, err
		}
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 60 * time.Second
	}
	dir, err := os.MkdirTemp("", "budgetlens-pdf-")
	if err != nil {
		return nil, fmt.Errorf("report: PDF: %w", err)
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, html, 0o600); err != nil {
		return nil, fmt.Errorf("report: PDF: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, allocOpts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	paper := chromedp.PaperLetter
	if opt.A4 {
		paper = chromedp.PaperA4
	}
	u := url.URL{Scheme: "file", Path: page}
	if err := chromedp.Do(bctx, chromedp.Navigate(u.String())); err != nil {
		return nil, pdfErr(ctx, err)
	}
	footer := `<div style="font-size:8px;width:100%;padding:0 12mm;color:#555;font-family:'DejaVu Sans',sans-serif;display:flex;justify-content:space-between"><span>` +
		htmlpkg.EscapeString(title) + `</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`
	buf, err := chromedp.Run(bctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(paper),
		chromedp.PDFMargins(0.55, 0.5, 0.65, 0.5),
		chromedp.PDFPrintBackground(),
		chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(footer),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFStream(),
	))
	if err != nil {
		return nil, pdfErr(ctx, err)
	}
	return buf, nil
}

func pdfErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("report: PDF: Chromium did not finish in time (raise the timeout, or print the HTML from a browser): %w", err)
	}
	return fmt.Errorf("report: PDF: printing with Chromium failed: %w", err)
}
