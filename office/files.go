package office

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// openInput opens a file named by an option (flag is "--in", "--rules",
// ...). A path that does not exist, is a directory or cannot be read is an
// EINVALID error naming the option, the path and what to do; the
// operating system's error stays in the chain.
func openInput(path, flag string) (*os.File, error) {
	if err := checkInput(path, flag); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, inputFileError(path, flag, err)
	}
	return f, nil
}

// readFile reads the whole of a file named by an option.
func readFile(path, flag string) ([]byte, error) {
	if err := checkInput(path, flag); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, inputFileError(path, flag, err)
	}
	return b, nil
}

func checkInput(path, flag string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return inputFileError(path, flag, err)
	}
	if fi.IsDir() {
		return budget.Errorf(budget.EINVALID, "%s %s is a directory: give a file", flag, path)
	}
	return nil
}

// InputFileError explains a failure to read a file named by an option.
func inputFileError(path, flag string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		wd, _ := os.Getwd()
		where := ""
		if !filepath.IsAbs(path) && wd != "" {
			where = " (relative to " + wd + ")"
		}
		return budget.Wrap(budget.EINVALID, err, "%s", flag+" "+path+": no such file"+where+": check the path").Quiet()
	case errors.Is(err, fs.ErrPermission):
		return budget.Wrap(budget.EINVALID, err, "%s", flag+" "+path+": permission denied: make the file readable or copy it somewhere you can read").Quiet()
	}
	return budget.Errorf(budget.EINVALID, "%s %s: cannot be read: %w", flag, path, err)
}

// fileSHA256 is the sha256 of a file's bytes.
func fileSHA256(path, flag string) (string, error) {
	f, err := openInput(path, flag)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", inputFileError(path, flag, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// openCSVInput is openInput for inputs read only as CSV: a workbook (an
// .xlsx or .xls file, or any zip archive) is refused with the way to save it
// as CSV, instead of being parsed as text.
func openCSVInput(path, flag string) (*os.File, error) {
	f, err := openInput(path, flag)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 8)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, inputFileError(path, flag, err)
	}
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".xlsx" || ext == ".xls" || bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		f.Close()
		return nil, budget.Errorf(budget.EINVALID, "%s %s is a workbook, and this command reads CSV: in Excel use File > Save As > \"CSV UTF-8 (Comma delimited)\" and give that file", flag, path)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, inputFileError(path, flag, err)
	}
	return f, nil
}

// teeReader copies what r reads to w (a hash).
func teeReader(r io.Reader, w io.Writer) io.Reader { return io.TeeReader(r, w) }
