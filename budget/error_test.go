package budget

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
)

func TestErrorKeepsItsCause(t *testing.T) {
	_, cause := os.Open("/no/such/file/budgetlens")
	for _, err := range []error{
		Errorf(EINVALID, "cannot read x: %w", cause),
		Wrap(EINVALID, cause, "cannot read x"),
		fmt.Errorf("outer: %w", Errorf(ENOTFOUND, "a %w and %w", cause, errors.New("b"))),
	} {
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%v: errors.Is(err, fs.ErrNotExist) is false", err)
		}
		if ErrorCode(err) == EINTERNAL {
			t.Errorf("%v: code lost", err)
		}
	}
	e := Errorf(EINVALID, "plain %d", 3)
	if e.Error() != "plain 3" || len(e.Unwrap()) != 0 {
		t.Fatalf("%q %v", e.Error(), e.Unwrap())
	}
	w := Errorf(EINVALID, "x: %w", cause)
	if w.Error() != "x: "+cause.Error() {
		t.Fatalf("message %q", w.Error())
	}
}
