package storetest

import "testing"

// coreSuite checks what every store must do before any domain is loaded.
func coreSuite(t *testing.T, newStore Factory) {
	s := newStore(t)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}
