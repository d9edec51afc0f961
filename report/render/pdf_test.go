package render_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/report/pdf"
	"github.com/budgetlens/budgetlens/report/render"
)

// TestWriteAllWithoutChromium hides every browser: the HTML and XLSX must
// still be written and the error must say how to get the PDF.
func TestWriteAllWithoutChromium(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("BUDGETLENS_CHROMIUM", "")
	dir := t.TempDir()
	w, err := render.WriteAll(context.Background(), render.SampleDocument(t), dir, "report", render.Options{PDF: pdf.Printer(pdf.PDFOptions{})})
	var missing *pdf.ChromiumMissingError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Fatalf("error %v, want a ChromiumMissingError saying how to install it", err)
	}
	for _, p := range []string{w.HTML, w.XLSX} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%q not written: %v", p, err)
		}
	}
	if w.PDF != "" {
		t.Errorf("PDF path %q reported without a browser", w.PDF)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.pdf")); !os.IsNotExist(err) {
		t.Errorf("a partial PDF exists: %v", err)
	}
	html, _ := os.ReadFile(w.HTML)
	if !bytes.Contains(html, []byte(`<a href="report.xlsx">report.xlsx</a>`)) {
		t.Error("the HTML does not link its tables to the workbook")
	}
}

// TestPDF prints the sample with the installed Chromium (skipped without
// one) and checks the PDF's pages and, with poppler-utils, its text.
func TestPDF(t *testing.T) {
	if testing.Short() {
		t.Skip("PDF rendering starts a browser")
	}
	if _, err := pdf.FindChromium(); err != nil {
		t.Skip(err)
	}
	d := render.SampleDocument(t)
	dir := t.TempDir()
	if keep := os.Getenv("BUDGETLENS_REPORT_SAMPLE_DIR"); keep != "" {
		dir = keep
	}
	start := time.Now()
	w, err := render.WriteAll(context.Background(), d, dir, "sample", render.Options{PDF: pdf.Printer(pdf.PDFOptions{Timeout: 90 * time.Second})})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("PDF printed in %v", time.Since(start).Round(time.Millisecond))
	doc, err := os.ReadFile(w.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(doc, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", doc[:min(len(doc), 16)])
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Logf("pdftotext not installed; text of the PDF not checked")
		return
	}
	out, err := exec.Command("pdfinfo", w.PDF).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo: %s", out)
	}
	if pages, _ := strconv.Atoi(string(m[1])); pages < 5 {
		t.Errorf("%d pages, want one per section (≥ 5)", pages)
	}
	text, err := exec.Command("pdftotext", "-layout", w.PDF, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	norm := strings.Join(strings.Fields(string(text)), " ")
	for _, f := range d.Headline {
		// labels wrap (and lose hyphens) in the cards: check the numbers
		if !strings.Contains(norm, f.Text()) {
			t.Errorf("the PDF text lacks headline %q = %q", f.Label, f.Text())
		}
	}
	// the long requests table spans pages: its header must repeat
	if n := strings.Count(norm, "Request Department Change Contribution to the share"); n < 2 {
		t.Errorf("the requests table header appears %d times in the PDF; it should repeat on each page", n)
	}
	for _, want := range []string{"Need score by council district", "Line of equality", "Citywide: $300", "SYNTHETIC"} {
		if !strings.Contains(norm, want) {
			t.Errorf("the PDF text lacks %q", want)
		}
	}
}
