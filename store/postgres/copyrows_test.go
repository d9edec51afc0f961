package postgres

import (
	"encoding/hex"
	"math"
	"testing"
)

// TestCopyRow checks the binary tuple layout against PostgreSQL's
// documented format (COPY, "Binary Format"): field count, then each
// field's length and bytes, NULL as length -1.
func TestCopyRow(t *testing.T) {
	r := &copyRow{}
	r.start(6)
	r.Text("Ñ,\"\n")
	r.Text("")
	r.Int8(-2)
	r.Int4(2021)
	r.Int8OrNull(nil)
	r.Float8(math.NaN())
	want := "0006" + "00000005" + "c391" + "2c220a" + "00000000" + "00000008" + "fffffffffffffffe" + "00000004" + "000007e5" + "ffffffff" + "00000008" + "7ff8000000000001"
	if got := hex.EncodeToString(r.buf); got != want || r.fields != 6 {
		t.Fatalf("tuple %s (%d fields)\nwant  %s", got, r.fields, want)
	}
}

func TestUnstorable(t *testing.T) {
	for v, want := range map[string]bool{"": false, "plain": false, "Ñandú €": false, "a\x00b": true, "Ñ\x00": true, "\xff": true, "ok\xe2\x82": true} {
		if got := unstorable(v); got != want {
			t.Errorf("unstorable(%q) = %v, want %v", v, got, want)
		}
	}
}
