package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// openInput opens a file the user named with a flag (flag is "--in",
// "--weights", ...). A path that does not exist, is a directory or cannot be
// read is an invalid-input error that names the flag, the path and what to
// do, instead of the operating system's "open x: no such file or directory".
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

// openCSVInput is openInput for commands that read only CSV: a workbook
// (an .xlsx or .xls file, or any zip archive) is refused with the way to save
// it as CSV, instead of being parsed as text.
func openCSVInput(path, flag string) (*os.File, error) {
	f, err := openInput(path, flag)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
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

// readInput reads the whole of a file named with a flag, with the errors of
// openInput.
func readInput(path, flag string) ([]byte, error) {
	if err := checkInput(path, flag); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, inputFileError(path, flag, err)
	}
	return b, nil
}

// checkInput reports, as an invalid-input error, an input path that does not
// exist or is a directory.
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

func inputFileError(path, flag string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		wd, _ := os.Getwd()
		where := ""
		if !filepath.IsAbs(path) && wd != "" {
			where = " (relative to " + wd + ")"
		}
		return budget.Errorf(budget.EINVALID, "%s %s: no such file%s: check the path", flag, path, where)
	case errors.Is(err, fs.ErrPermission):
		return budget.Errorf(budget.EINVALID, "%s %s: permission denied: make the file readable or copy it somewhere you can read", flag, path)
	}
	return budget.Errorf(budget.EINVALID, "%s %s: cannot be read: %v", flag, path, err)
}

// createOutput creates (or truncates) the file named with --out. A missing
// directory, a directory given as the file, or a directory the user cannot
// write to is reported with the path and what to do.
func createOutput(path, flag string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, budget.Errorf(budget.EINVALID, "%s %s is a directory: give a file name (a path inside it is fine)", flag, path)
	}
	f, err := os.Create(path)
	if err == nil {
		return f, nil
	}
	return nil, outputFileError(path, flag, err)
}

// outputFileError explains a failure to create an output file.
func outputFileError(path, flag string, err error) error {
	dir := filepath.Dir(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return budget.Errorf(budget.EINVALID, "%s %s: the directory %s does not exist: create it or choose another path", flag, path, dir)
	case errors.Is(err, fs.ErrPermission):
		return budget.Errorf(budget.EINVALID, "%s %s: permission denied: the directory %s is not writable (or the file is read-only); choose another path", flag, path, dir)
	}
	return budget.Errorf(budget.EINTERNAL, "%s %s: cannot be written: %v", flag, path, err)
}

// utf8BOM is the byte-order mark Excel writes at the start of "CSV UTF-8".
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// trimBOM drops a leading UTF-8 byte-order mark.
func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, utf8BOM) }

// trimBOMString drops a leading UTF-8 byte-order mark from a header cell.
func trimBOMString(s string) string { return string(trimBOM([]byte(s))) }

// checkOutput makes sure the file named with flag can be written before any
// work is done or anything is stored, so that a mistyped or read-only output
// path fails at once and leaves the store unchanged. The file is created and,
// when it did not exist before, removed again.
func checkOutput(path, flag string) error {
	if path == "" || path == "-" {
		return nil
	}
	_, statErr := os.Stat(path)
	existed := statErr == nil
	f, err := createOutputNoTrunc(path, flag)
	if err != nil {
		return err
	}
	f.Close()
	if !existed {
		os.Remove(path)
	}
	return nil
}

// createOutputNoTrunc opens path for writing without truncating it.
func createOutputNoTrunc(path, flag string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, budget.Errorf(budget.EINVALID, "%s %s is a directory: give a file name (a path inside it is fine)", flag, path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, outputFileError(path, flag, err)
	}
	return f, nil
}

// delimiterHint returns advice to append to an input error when the file it
// names looks like a CSV separated by semicolons or tabs (as Excel writes
// in many locales, or a tab-separated export) rather than commas: its first
// line has no comma but has semicolons or tabs. It returns "" otherwise.
func delimiterHint(err error) string {
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.File == "" {
		return ""
	}
	switch strings.ToLower(filepath.Ext(ie.File)) {
	case ".csv", ".txt", ".tsv", "":
	default:
		return ""
	}
	f, oerr := os.Open(ie.File)
	if oerr != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, buf)
	first, _, _ := bytes.Cut(buf[:n], []byte("\n"))
	if bytes.ContainsRune(first, ',') {
		return ""
	}
	switch {
	case bytes.ContainsRune(first, ';'):
		return fmt.Sprintf("\n  %s seems to be separated by semicolons, not commas: save it as \"CSV (Comma delimited)\" (or replace the semicolons) and try again", ie.File)
	case bytes.ContainsRune(first, '\t'):
		return fmt.Sprintf("\n  %s seems to be separated by tabs, not commas: save it as \"CSV (Comma delimited)\" and try again", ie.File)
	}
	return ""
}

// osFileError matches the operating system's wording of a file error as Go
// prints it: "open x.csv: no such file or directory".
var osFileError = regexp.MustCompile(`\b(?:open|stat|lstat|read|mkdir) ([^:]+): (no such file or directory|is a directory|not a directory|permission denied|read-only file system)`)

// errorText is the message printed for err. The operating system's wording
// of a file error inside it, which repeats the path the message already
// names, is replaced by what is wrong and what to do: "unable to open x.csv:
// open x.csv: no such file or directory" becomes "unable to open x.csv: no
// such file: check the path".
func errorText(err error) string {
	msg := err.Error()
	return osFileError.ReplaceAllStringFunc(msg, func(m string) string {
		sub := osFileError.FindStringSubmatch(m)
		var plain string
		switch sub[2] {
		case "no such file or directory":
			plain = "no such file: check the path"
		case "is a directory":
			plain = "it is a directory: give a file"
		case "not a directory":
			plain = "a file is in the way where a directory is needed: choose another path"
		case "read-only file system":
			plain = "the file system is read-only: choose another path"
		default:
			plain = "permission denied: make it readable (or writable) or choose another path"
		}
		if strings.Count(msg, sub[1]) > 1 {
			return plain // the path is already named before
		}
		return sub[1] + ": " + plain
	})
}

// refuseExisting refuses to replace a file the user wrote (a template is
// written only where there is none).
func refuseExisting(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return budget.Errorf(budget.EINVALID, "--out %s exists: give a new file name (a template never replaces a file)", path)
	}
	return nil
}
