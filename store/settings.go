package store

import "context"

// SettingsStore keeps small named values that describe the store itself,
// such as the city profile it was built with (key SettingCityProfile), so
// that later commands and the server use them without being told again.
type SettingsStore interface {
	// SetSetting stores value under key, replacing an earlier value, in one
	// transaction.
	SetSetting(ctx context.Context, key string, value []byte) error
	// Setting returns the value stored under key; ENOTFOUND when none is.
	Setting(ctx context.Context, key string) ([]byte, error)
}

// SettingCityProfile is the key of the city profile (YAML) a store was
// built with.
const SettingCityProfile = "city_profile"
