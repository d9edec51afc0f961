package office

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/report"
	"github.com/budgetlens/budgetlens/report/pdf"
	"github.com/budgetlens/budgetlens/report/render"
)

// ReportOptions select the analysis a council report presents.
type ReportOptions struct {
	AnalyzeOptions
	// Title is the jurisdiction's name on the title page (default: the
	// city profile's report title).
	Title string
	// CapitalPlans are the capital plans the report presents (default:
	// every stored plan; see CapitalSections).
	CapitalPlans []string
}

// Report analyses a phase (with comparisons) and builds the council
// report's document; it renders nothing (see WriteReport).
func (o *Office) Report(ctx context.Context, opt ReportOptions) (*report.Document, *Analysis, error) {
	a, err := o.Analyze(ctx, opt.AnalyzeOptions)
	if err != nil {
		return nil, nil, err
	}
	cmp, err := o.Comparisons(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	doc := o.Document(a, cmp, opt.Title)
	if err := o.addMeasuresSection(ctx, doc, MeasuresSectionOptions{Layer: a.Input.Layer.Name, FiscalYear: a.Result.FiscalYear, Phase: a.Result.Phase,
		Reps: opt.Reps, Seed: opt.Seed}); err != nil {
		return nil, nil, err
	}
	if err := o.AddCapital(ctx, doc, CapitalReportOptions{Plans: opt.CapitalPlans, Tiers: opt.Tiers}); err != nil {
		return nil, nil, err
	}
	if err := o.AddReview(ctx, doc); err != nil {
		return nil, nil, err
	}
	return doc, a, nil
}

// Document builds the council report of an analysis: the city profile
// gives the title, sources, caveats and the wording of what is synthetic.
func (o *Office) Document(a *Analysis, cmp []analysis.CompareRow, title string) *report.Document {
	in := a.Input
	opt := analysis.DocOptions{Jurisdiction: title, Layer: in.Layer, Comparisons: cmp}
	if c := o.City; c != nil {
		if opt.Jurisdiction == "" {
			opt.Jurisdiction = c.Title()
		}
		opt.Caveats = append(opt.Caveats, c.Report.Caveats...)
		opt.Publish = c.Report.Publish
		opt.Words = cityWords(c, in.Layer.Name)
		for _, s := range c.Report.Sources {
			opt.Sources = append(opt.Sources, report.Source{File: s.File, Name: s.Name, Version: s.Version, License: s.License})
		}
	}
	if in.EventsSynthetic {
		if o.City != nil && len(o.City.Report.Synthetic) > 0 {
			opt.Synthetic = append(opt.Synthetic, o.City.Report.Synthetic...)
		} else {
			opt.Synthetic = []string{"the service requests (" + in.EventsSource + ") are synthetic, not City data; their counts place the demand-based dollars"}
		}
	}
	opt.NeedPoints, opt.SyntheticDemand = analysis.NeedPointsMap(in.Run, in.Small), in.EventsSynthetic
	return analysis.Document(a.Result, opt)
}

// Written lists the report files written; PDFSkipped says why the PDF was
// not (Chromium missing or failed), "" when it was or was not asked for.
type Written struct {
	render.Written
	PDFSkipped string
}

// CheckReportPath refuses an output path whose extension is not a report
// format.
func CheckReportPath(path string) error {
	if path == "" {
		return budget.Errorf(budget.EINVALID, "report needs --out FILE ending in .html, .pdf or .xlsx")
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm", ".pdf", ".xlsx":
		return nil
	}
	return budget.Errorf(budget.EINVALID, "--out %s: the file must end in .html, .pdf or .xlsx", path)
}

// WriteReport renders the document to path (the format follows the
// extension). A PDF that cannot be printed (no Chromium) is replaced by the
// HTML and XLSX beside it, and PDFSkipped says why.
func WriteReport(ctx context.Context, doc *report.Document, path string) (Written, error) {
	err := render.WriteFile(ctx, doc, path, renderOptions())
	var cm *pdf.ChromiumMissingError
	if errors.As(err, &cm) {
		base := strings.TrimSuffix(path, filepath.Ext(path))
		wr, err := WriteReports(ctx, doc, filepath.Dir(base), filepath.Base(base), true)
		wr.PDFSkipped = cm.Error()
		return wr, err
	}
	if err != nil {
		return Written{}, err
	}
	var w Written
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pdf":
		w.PDF = path
	case ".xlsx":
		w.XLSX = path
	default:
		w.HTML = path
	}
	return w, nil
}

// ReportFormats are the formats a report is written in.
var ReportFormats = []string{"html", "xlsx", "pdf"}

// WriteReportTo renders the document in format (html, xlsx or pdf) to w,
// for standard output. A PDF needs Chromium (the error says how to get
// one, or to write html).
func WriteReportTo(ctx context.Context, doc *report.Document, w io.Writer, format string) error {
	switch format {
	case "html":
		return render.RenderHTML(w, doc)
	case "xlsx":
		return render.RenderXLSX(w, doc)
	case "pdf":
		b, err := renderOptions().PDF(ctx, doc)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	return budget.Errorf(budget.EINVALID, "report format %q: use html, xlsx or pdf", format)
}

// WriteReports writes dir/base.html and .xlsx, and .pdf unless noPDF; a
// PDF that cannot be printed is reported in PDFSkipped, not as an error.
func WriteReports(ctx context.Context, doc *report.Document, dir, base string, noPDF bool) (Written, error) {
	if noPDF {
		d := *doc
		d.Workbook = base + ".xlsx"
		var w Written
		for _, ext := range []string{".html", ".xlsx"} {
			p := filepath.Join(dir, base+ext)
			if err := render.WriteFile(ctx, &d, p, render.Options{}); err != nil {
				return w, err
			}
			if ext == ".html" {
				w.HTML = p
			} else {
				w.XLSX = p
			}
		}
		return w, nil
	}
	wr, err := render.WriteAll(ctx, doc, dir, base, renderOptions())
	if err != nil && wr.HTML != "" && wr.XLSX != "" {
		return Written{Written: wr, PDFSkipped: err.Error()}, nil
	}
	return Written{Written: wr}, err
}

// renderOptions print PDFs with headless Chromium (report/pdf).
func renderOptions() render.Options {
	return render.Options{PDF: pdf.Printer(pdf.PDFOptions{})}
}

// cityWords names the city's areas and need from its profile: the layer's
// title, the small areas' title and the need index's label.
func cityWords(c *city.Profile, layer string) analysis.Words {
	var w analysis.Words
	if l, ok := c.Layer(layer); ok {
		w.Areas = l.Title
	}
	for _, n := range c.LayerNames(city.RoleSmallAreas) {
		if l, _ := c.Layer(n); l.Title != "" {
			w.SmallAreas = l.Title
			break
		}
	}
	if c.Need != nil {
		w.Need = c.Need.Label
	}
	return w
}
