package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/report"
)

// HTML renders the document's page (RenderHTML) into memory.
func HTML(d *report.Document) ([]byte, error) {
	var b bytes.Buffer
	err := RenderHTML(&b, d)
	return b.Bytes(), err
}

// Options choose how documents are written. PDF prints a document (package
// report/pdf provides one, through headless Chromium); without it .pdf
// outputs are refused.
type Options struct {
	PDF func(ctx context.Context, d *report.Document) ([]byte, error)
}

// WriteFile renders the document to path, choosing the format by its
// extension: .html (or .htm), .pdf or .xlsx. The file is written to a
// temporary name beside path and renamed, so a failed render leaves no
// partial file. A .pdf is printed by opt.PDF, whose errors are returned as
// they are.
func WriteFile(ctx context.Context, d *report.Document, path string, opt Options) error {
	var data []byte
	var err error
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".html", ".htm":
		data, err = HTML(d)
	case ".xlsx":
		var b bytes.Buffer
		err = RenderXLSX(&b, d)
		data = b.Bytes()
	case ".pdf":
		if opt.PDF == nil {
			return budget.Errorf(budget.EINVALID, "report: output file %q: PDF printing is not available here; write .html and print it from a browser", path)
		}
		data, err = opt.PDF(ctx, d)
	default:
		return budget.Errorf(budget.EINVALID, "report: output file %q: extension %q is not supported; use .html, .pdf or .xlsx", path, ext)
	}
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	return nil
}

// Written lists the files WriteAll wrote.
type Written struct {
	HTML, XLSX, PDF string // paths; PDF is "" when it was not written
}

// WriteAll writes base.html, base.xlsx and base.pdf in dir (base is e.g.
// "report"). The HTML links its tables to the workbook. HTML and XLSX are
// written first; when the PDF cannot be made (no Chromium, or Chromium
// failed) they stay written and the error says why and how to get the PDF
// (errors.As to *ChromiumMissingError to tell the cases apart).
func WriteAll(ctx context.Context, d *report.Document, dir, base string, opt Options) (Written, error) {
	var w Written
	doc := *d
	doc.Workbook = base + ".xlsx"
	html := filepath.Join(dir, base+".html")
	xlsx := filepath.Join(dir, base+".xlsx")
	if err := WriteFile(ctx, &doc, html, opt); err != nil {
		return w, err
	}
	w.HTML = html
	if err := WriteFile(ctx, &doc, xlsx, opt); err != nil {
		return w, err
	}
	w.XLSX = xlsx
	pdf := filepath.Join(dir, base+".pdf")
	if err := WriteFile(ctx, &doc, pdf, opt); err != nil {
		var missing interface{ Unavailable() bool }
		if errors.As(err, &missing) && missing.Unavailable() {
			return w, err
		}
		return w, fmt.Errorf("%w (the HTML and XLSX reports were written; print %s from a browser to get a PDF)", err, html)
	}
	w.PDF = pdf
	return w, nil
}
