package need

import "testing"

func TestPresetsParse(t *testing.T) {
	names := Presets()
	if len(names) != 6 {
		t.Fatalf("presets %v, want 6", names)
	}
	for _, n := range names {
		if _, err := Preset(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := Preset("nope"); err == nil {
		t.Fatal("unknown preset accepted")
	}
}
