package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

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
