package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// LineItemStream is a line-item file read while it is stored: Batch holds
// what is known before the rows (jurisdiction, dataset, source, profile,
// fiscal year and phase, content hash) and, once Each has returned, the
// reconciled totals; the line items go to Each's yield one at a time and
// are never held together, so a file of millions of rows is stored in the
// memory of a few blocks, and reading overlaps the store's loading.
//
// The rows are those File would give, in the same order, with the same
// keys (a repeated key is numbered as it is met, which is the file order
// File numbers it in) and the same checks; an error from Each (a bad cell,
// a total that does not reconcile) comes after some rows were yielded, so
// the caller stores them in one transaction and rolls it back.
type LineItemStream struct {
	Batch *budget.Batch
	cv    *converter
	src   *tableSource
	r     *tabular.Reader
	done  bool
}

// StreamLineItems opens path for a streamed import when it is a delimited
// text file whose profile (given or detected) gives line items; otherwise
// it returns nil, nil and the caller reads the file with File. Errors are
// those File gives for the header (an unknown layout, a missing column).
func StreamLineItems(path string, opt Options) (*LineItemStream, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, tabular.OpenError(path, err)
	}
	if !fi.Mode().IsRegular() || strings.EqualFold(filepath.Ext(path), ".json") {
		return nil, nil
	}
	// the content hash first, so that a file imported before is found
	// unchanged before anything is loaded (the reader's own hash, checked
	// at the end, says whether the file changed while it was read)
	hash, err := fileHash(path)
	if err != nil {
		return nil, err
	}
	r, err := tabular.Open(path, opt.readOptions(path))
	if err != nil {
		return nil, err
	}
	if !r.Delimited() {
		r.Close()
		return nil, nil
	}
	src := &tableSource{r: r, total: fi.Size(), progress: opt.Progress}
	b, c, err := bindTable(path, src.Head(), opt)
	if err != nil {
		r.Close()
		return nil, err
	}
	if b.p.Record != "line_items" {
		r.Close()
		return nil, nil
	}
	batch := newBatch(b, c)
	batch.ContentHash = hash
	cv := newConverter(b, batch, c)
	cv.occurrences = &keyCounts{}
	return &LineItemStream{Batch: batch, cv: cv, src: src, r: r}, nil
}

// Each reads the rest of the file, handing every line item to yield (the
// item is valid until yield returns: copy it to keep it), then checks the
// total row and that the file did not change while it was read. It can be
// called once. An error from yield stops the read and is returned.
func (s *LineItemStream) Each(yield func(*budget.LineItem) error) error {
	if s.done {
		return budget.Errorf(budget.EINTERNAL, "ingest: the rows of %s were read already", s.Batch.SourceFile)
	}
	s.done = true
	s.cv.emit = yield
	var seen int64 // bytes of the rows read so far, as cells and separators
	for n := 1; ; n++ {
		line, cells, err := s.src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := s.cv.row(line, cells); err != nil {
			return err
		}
		if n <= 1<<13 {
			for _, c := range cells {
				seen += int64(len(c)) + 1
			}
			if n == 1<<13 {
				s.reserveKeys(n, consumedShare(seen, s.src))
			}
		}
	}
	if err := s.cv.finish(); err != nil {
		return err
	}
	if h := s.r.SHA256(); h != s.Batch.ContentHash {
		return budget.Errorf(budget.ECONFLICT, "%s changed while it was imported (its SHA-256 was %s before and %s after): nothing was stored; import it again once it is complete", s.Batch.SourceFile, s.Batch.ContentHash, h)
	}
	return nil
}

// reserveKeys sizes the keys' index, once the first rows are read, for as
// many keys as the share of the file they took promises (and 10% more),
// so that it is built once rather than doubled twenty times on fresh
// memory.
func (s *LineItemStream) reserveKeys(rows int, read float64) {
	if read <= 0 || read >= 1 {
		return
	}
	s.cv.occurrences.reserve(int(float64(rows) / read * 1.1))
}

// Items is the number of line items Each has yielded.
func (s *LineItemStream) Items() int { return s.cv.emitted }

// Close releases the file.
func (s *LineItemStream) Close() error { return s.r.Close() }

// fileHash is the hex SHA-256 of the file at path.
func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", tabular.OpenError(path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", tabular.OpenError(path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
