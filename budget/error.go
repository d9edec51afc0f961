// Package budget holds budgetlens' domain types (jurisdictions, fiscal years,
// phases, classifications, line items, budget requests, performance measures,
// import runs) and the error codes every other package uses. It depends on
// nothing outside the standard library.
package budget

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error codes, defined once. Front ends map them to exit statuses and HTTP
// status codes in one place each.
const (
	EINVALID   = "invalid"   // the input is wrong; the message says how to fix it
	ENOTFOUND  = "not_found" // the thing asked for does not exist
	ECONFLICT  = "conflict"  // the request conflicts with what is stored
	EINTERNAL  = "internal"  // a bug or an environment failure
	EFORBIDDEN = "forbidden" // the caller's role does not allow it
)

// Error is an application error with a code and a message meant for the user.
// Its causes stay reachable with errors.Is and errors.As: Err, and every
// error Errorf was given with the %w verb.
type Error struct {
	Code    string
	Message string
	Err     error // optional cause, printed after the message

	wrapped []error // causes named with %w in the message
	quiet   bool    // Err is kept in the chain but not printed
}

func (e *Error) Error() string {
	if e.Message == "" && e.Err != nil {
		return e.Err.Error()
	}
	if e.Err != nil && !e.quiet {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the causes: Err and the errors wrapped with %w.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return append(out, e.wrapped...)
}

// Errorf returns an *Error with the given code. The format is fmt.Errorf's:
// an error given with %w is printed like %v and stays in the chain, so that
// errors.Is(err, fs.ErrNotExist) still sees the cause.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: err.Error()}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if c := u.Unwrap(); c != nil {
			e.wrapped = []error{c}
		}
	case interface{ Unwrap() []error }:
		e.wrapped = u.Unwrap()
	}
	return e
}

// Quiet keeps Err in the chain (errors.Is still sees it) without printing
// it after the message: for messages that already say in plain words what
// the cause says in the system's.
func (e *Error) Quiet() *Error {
	e.quiet = true
	return e
}

// Wrap returns an *Error with the given code whose message is the
// formatted text and whose cause is err (printed after it, and found by
// errors.Is and errors.As).
func Wrap(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error or *InputError in err's
// chain, EINTERNAL for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return EINVALID
	}
	return EINTERNAL
}

// InputError locates a problem in an input file: which file, line (1-based,
// counting the header as line 1), column (heading and 1-based index), field of
// the domain model, the offending value, and what was expected instead. The
// message starts file:line:column: and repeats the place in words, e.g.
//
//	x.csv:1234:17: line 1234, column 17 "2021-22 Adopted" (field amount): value "12x4": an amount such as ...
type InputError struct {
	File     string
	Line     int
	Column   string // column heading as written in the file
	ColIndex int    // 1-based column number; 0 when unknown
	Field    string // domain field the column maps to
	Value    string
	Expected string // what would have been accepted, phrased as advice
	// Err is the cause, when there is one worth testing for with errors.Is
	// or errors.As (a limit, an amount out of range); it is not printed:
	// Expected says it in words.
	Err error
}

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.ColIndex > 0 {
		fmt.Fprintf(&b, ":%d", e.ColIndex)
	}
	b.WriteString(":")
	// the place again in words, for readers who do not parse file:line:col
	var loc []string
	if e.Line > 0 {
		loc = append(loc, fmt.Sprintf("line %d", e.Line))
	}
	if e.ColIndex > 0 || e.Column != "" {
		c := "column"
		if e.ColIndex > 0 {
			c += fmt.Sprintf(" %d", e.ColIndex)
		}
		if e.Column != "" {
			c += fmt.Sprintf(" %q", e.Column)
		}
		loc = append(loc, c)
	}
	if len(loc) > 0 {
		b.WriteString(" " + strings.Join(loc, ", "))
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (field %s)", e.Field)
	}
	if e.Value != "" || e.Line > 0 && e.Err == nil { // an error with a cause says what it found in Expected
		fmt.Fprintf(&b, ": value %s", quoteValue(e.Value))
	}
	if e.Expected != "" {
		if strings.HasSuffix(b.String(), ":") {
			b.WriteString(" ") // no place known: "file: expected", not "file:: expected"
		} else {
			b.WriteString(": ")
		}
		b.WriteString(e.Expected)
	}
	return b.String()
}

// maxShownValue is the most of a value an error message repeats: a message
// is for a person, and a cell may hold megabytes.
const maxShownValue = 120

// quoteValue quotes v for a message, cut to maxShownValue bytes (at a rune
// boundary) with its full length said.
func quoteValue(v string) string {
	if len(v) <= maxShownValue {
		return fmt.Sprintf("%q", v)
	}
	cut := maxShownValue
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%q... (%d bytes)", v[:cut], len(v))
}
