package postgres

import (
	"math"
	"testing"
)

func TestCSVRow(t *testing.T) {
	for _, tc := range []struct {
		write func(r *csvRow)
		want  string
	}{
		{func(r *csvRow) { r.Text("plain"); r.Int(-12); r.Text("") }, `plain,-12,""`},
		{func(r *csvRow) { r.Text(`Say "hi"`); r.Text("a,b") }, `"Say ""hi""","a,b"`},
		{func(r *csvRow) { r.Text("two\nlines"); r.Text("a\r\nb") }, "\"two\nlines\",\"a\r\nb\""},
		{func(r *csvRow) { r.Text(`\.`); r.Text(`\N`); r.Text("NULL") }, `"\.","\N",NULL`},
		{func(r *csvRow) { r.IntOrNull(nil); v := int64(5); r.IntOrNull(&v); r.Text(" padded ") }, `,5, padded `},
		{func(r *csvRow) { r.Float(0.1); r.Float(math.NaN()); r.Float(1e300); r.Float(math.Inf(-1)) }, `0.1,NaN,1e+300,-Inf`},
	} {
		r := &csvRow{}
		tc.write(r)
		if string(r.buf) != tc.want {
			t.Errorf("got %q, want %q", r.buf, tc.want)
		}
	}
}

func TestUnstorable(t *testing.T) {
	for v, want := range map[string]bool{"": false, "plain": false, "Ñandú €": false, "a\x00b": true, "Ñ\x00": true, "\xff": true, "ok\xe2\x82": true} {
		if got := unstorable(v); got != want {
			t.Errorf("unstorable(%q) = %v, want %v", v, got, want)
		}
	}
}
