package table

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

type num float64

func (n num) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
}

type inner struct {
	A     float64 `json:"a"`
	B     string  `json:"b,omitempty"`
	Shade int     `json:"shade"`
}

type outer struct {
	ID int64 `json:"id"`
	*inner
	Shade   string          `json:"shade"` // the shallower wins
	Xs      []float64       `json:"xs"`
	M       map[string]any  `json:"m"`
	K       map[int]float32 `json:"k"`
	N       num             `json:"n"`
	P       *float64        `json:"p,omitempty"`
	Raw     []byte          `json:"raw"`
	Skip    float64         `json:"-"`
	When    time.Time       `json:"when"`
	Untaged float64
	private float64
	Nested  map[string][]inner `json:"nested"`
	Q       float64            `json:"q,string"`
}

func sample(x float64) outer {
	return outer{ID: 7, inner: &inner{A: x, B: "b", Shade: 3}, Shade: "dark", Xs: []float64{1, x, 2.5}, M: map[string]any{"z": x, "a": []any{x, "s"}},
		K: map[int]float32{2: float32(x), 1: 1}, N: num(x), Raw: []byte("hi"), When: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), Untaged: x, private: x,
		Nested: map[string][]inner{"t": {{A: x}}}, Q: 1.5}
}

// TestFiniteJSONMatchesEncodingJSON: for values encoding/json can write,
// the NaN-safe path writes the same bytes.
func TestFiniteJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, v := range []any{sample(0.25), []outer{sample(1), sample(-3)}, map[string]outer{"x": sample(2)}, struct{ *outer }{}, []int(nil), 3.5, "x"} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		safe, err := finiteJSON(reflectValue(v))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(&b).Encode(safe); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(b.String()); got != string(want) {
			t.Errorf("finiteJSON(%T):\n got %s\nwant %s", v, got, want)
		}
	}
}

func TestWriteJSONNaNIsNull(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteJSON(&b, sample(math.NaN())); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if back["a"] != nil || back["Untaged"] != nil || back["n"] != nil || back["xs"].([]any)[1] != nil || back["m"].(map[string]any)["z"] != nil {
		t.Errorf("NaN not written as null:\n%s", b.String())
	}
	if back["shade"] != "dark" || back["id"] != 7.0 || back["xs"].([]any)[2] != 2.5 {
		t.Errorf("other values changed:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "\n  \"id\": 7,") {
		t.Errorf("not indented:\n%s", b.String())
	}
	b.Reset()
	if err := WriteJSON(&b, []float64{math.Inf(1), 1}); err != nil || strings.Join(strings.Fields(b.String()), "") != "[null,1]" {
		t.Errorf("+Inf: %q %v", b.String(), err)
	}
}

func reflectValue(v any) reflect.Value { return reflect.ValueOf(v) }
