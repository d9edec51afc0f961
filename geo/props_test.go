package geo

import (
	"reflect"
	"testing"
)

// TestAttrsJSONKeepsTypes: properties read back from a store's JSON with
// the types they had, a whole real (0.0, 2.0, 1e21) included: it is
// written with a fraction or exponent, so it does not come back as an
// integer.
func TestAttrsJSONKeepsTypes(t *testing.T) {
	props := map[string]any{"s": "01", "i": int64(7), "zero": 0.0, "two": 2.0, "neg": -3.0, "big": 1e21, "half": 0.5, "b": false, "null": nil}
	a := Area{ID: "x", Props: props}
	b, err := a.AttrsJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Area
	if err := back.SetAttrsJSON(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Props, props) {
		t.Errorf("read back %#v from %s, want %#v", back.Props, b, props)
	}
	if back.Attrs["zero"] != "0" || back.Attrs["two"] != "2" || back.Attrs["i"] != "7" {
		t.Errorf("texts %v", back.Attrs)
	}
	if want := `{"b":false,"big":1e+21,"half":0.5,"i":7,"neg":-3.0,"null":null,"s":"01","two":2.0,"zero":0.0}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
}
