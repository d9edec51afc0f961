package assess

import (
	"bytes"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
)

// File is a piece of evidence uploaded for an assessment: its name, the
// media type its content was recognised as, its size and SHA-256 (the
// audit log records them, so a changed file is noticed).
type File struct {
	ID         int64     `json:"id"`
	Assessment int64     `json:"assessment"`
	Name       string    `json:"name"`
	Type       string    `json:"type"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

// MaxEvidenceBytes bounds an uploaded file (5 MiB).
const MaxEvidenceBytes = 5 << 20

// EvidenceType recognises an uploaded file by its content and name and
// returns its media type: PDF (%PDF-), PNG, JPEG, XLSX (a zip named
// .xlsx) or CSV and plain text (UTF-8 without NUL bytes, named .csv or
// .txt). Anything else, an empty file, one larger than MaxEvidenceBytes,
// or a name that is a path is EINVALID saying what is accepted. The
// content decides, never the name alone: an HTML page named .pdf is
// refused.
func EvidenceType(name string, data []byte) (string, error) {
	if name == "" || strings.ContainsAny(name, "/\\\x00") || strings.HasPrefix(name, ".") || len(name) > 200 {
		return "", budget.Errorf(budget.EINVALID, "evidence file name %q: give a plain file name", name)
	}
	if len(data) == 0 || len(data) > MaxEvidenceBytes {
		return "", budget.Errorf(budget.EINVALID, "evidence %s: %d bytes; a file has 1 byte to %d MiB", name, len(data), MaxEvidenceBytes>>20)
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")) && ext == ".pdf":
		return "application/pdf", nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) && ext == ".png":
		return "image/png", nil
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")) && (ext == ".jpg" || ext == ".jpeg"):
		return "image/jpeg", nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) && ext == ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", nil
	case (ext == ".csv" || ext == ".txt") && utf8.Valid(data) && bytes.IndexByte(data, 0) < 0:
		if ext == ".csv" {
			return "text/csv", nil
		}
		return "text/plain", nil
	}
	return "", budget.Errorf(budget.EINVALID, "evidence %s: give a PDF, PNG, JPEG, XLSX, CSV or text file whose content matches its name", name)
}
