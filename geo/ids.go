package geo

import "strings"

// IDKey is the one way budgetlens matches area ids and area codes written
// in different files: spaces around the id and leading zeros do not count,
// so the tract "06037101110" matches "6037101110" and the district "05"
// matches "5" and " 5 ". Letter case counts (area names used as ids keep
// their spelling; attribution compares district codes without case on top
// of this). An id of zeros only is "0"; an empty id stays empty.
func IDKey(id string) string {
	id = strings.TrimSpace(id)
	t := strings.TrimLeft(id, "0")
	if t == "" && id != "" {
		return "0"
	}
	return t
}

// SameID reports whether two ids name the same area (IDKey).
func SameID(a, b string) bool { return a == b || IDKey(a) == IDKey(b) }
