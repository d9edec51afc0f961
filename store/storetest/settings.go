package storetest

import (
	"bytes"
	"context"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
)

// settingsSuite checks SetSetting / Setting: missing keys are ENOTFOUND,
// values round-trip byte for byte and a second write replaces the first.
func settingsSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	if _, err := s.Setting(ctx, store.SettingCityProfile); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing setting: %v, want not_found", err)
	}
	v1 := []byte("name: Test City\n# a comment, \"quotes\" and é\n\x00binary")
	if err := s.SetSetting(ctx, store.SettingCityProfile, v1); err != nil {
		t.Fatal(err)
	}
	got, err := s.Setting(ctx, store.SettingCityProfile)
	if err != nil || !bytes.Equal(got, v1) {
		t.Fatalf("round trip: %q %v", got, err)
	}
	if err := s.SetSetting(ctx, store.SettingCityProfile, []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Setting(ctx, store.SettingCityProfile); err != nil || string(got) != "v2" {
		t.Fatalf("replaced: %q %v", got, err)
	}
	if _, err := s.Setting(ctx, "other"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("other key: %v", err)
	}
}
