// Package render writes a council report (report.Document) as files: a
// self-contained HTML page with SVG maps and charts (html/template, CSS
// embedded, no external resource) and an XLSX workbook (excelize), from one
// sheet plan so that the sheet named under a table in the HTML is the one
// in the workbook. PDF printing is given to it (Options.PDF; report/pdf
// prints with headless Chromium), so this package does not depend on a
// browser. Every output is deterministic: the same Document gives
// byte-identical HTML and XLSX.
package render
