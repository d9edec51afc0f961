package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	if !CheckPassword(h, "correct horse") {
		t.Fatal("the right password does not match")
	}
	for _, wrong := range []string{"correct hors", "Correct horse", "", strings.Repeat("x", 2000)} {
		if CheckPassword(h, wrong) {
			t.Fatalf("%q matches", wrong)
		}
	}
	h2, _ := HashPassword("correct horse")
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=65536,t=3,p=4$xx", "$argon2i$v=19$m=65536,t=3,p=4$AAAA$AAAA", strings.Replace(h, "m=65536", "m=999999999", 1)} {
		if CheckPassword(bad, "correct horse") {
			t.Fatalf("malformed hash %q matches", bad)
		}
	}
	if _, err := HashPassword("short"); budget.ErrorCode(err) != budget.EINVALID {
		t.Fatalf("short password: %v", err)
	}
}

func TestUserValidate(t *testing.T) {
	for _, c := range []struct {
		u  User
		ok bool
	}{
		{User{Name: "ana", Role: Analyst}, true},
		{User{Name: "dept.staff@la", Role: Submitter, Department: "12"}, true},
		{User{Name: "s", Role: Submitter}, false},
		{User{Name: "a", Role: Analyst, Department: "12"}, false},
		{User{Name: "", Role: Analyst}, false},
		{User{Name: "a b", Role: Analyst}, false},
		{User{Name: "a", Role: "boss"}, false},
	} {
		if err := c.u.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.u, err)
		}
	}
}

func TestTokens(t *testing.T) {
	a, _ := NewToken()
	b, _ := NewToken()
	again := TokenHash(a)
	if a == b || len(a) != 43 || TokenHash(a) == a || len(TokenHash(a)) != 64 || again != TokenHash(a) || TokenHash(b) == again {
		t.Fatalf("tokens %q %q hash %q", a, b, TokenHash(a))
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("u"); !ok {
			t.Fatalf("attempt %d refused", i)
		}
		l.Fail("u")
		now = now.Add(time.Second)
	}
	if ok, wait := l.Allow("u"); ok || wait != 57*time.Second {
		t.Fatalf("fourth attempt: %v, wait %v (want refused, 57s)", ok, wait)
	}
	if ok, _ := l.Allow("v"); !ok {
		t.Fatal("another key is limited")
	}
	now = now.Add(58 * time.Second)
	if ok, _ := l.Allow("u"); !ok {
		t.Fatal("still refused after the window")
	}
	l.Fail("u")
	l.Succeed("u")
	if ok, _ := l.Allow("u"); !ok {
		t.Fatal("refused after success")
	}
}
