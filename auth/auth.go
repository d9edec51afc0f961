// Package auth holds who may use budgetlens: users and their roles,
// argon2id password hashes, session tokens (kept only as hashes) and the
// login rate limiter. It knows nothing of storage or HTTP: the store keeps
// users and session hashes (store.UserStore), the server sets cookies and
// decides with web.Authorize what a role may do.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/budgetlens/budgetlens/budget"
	"golang.org/x/crypto/argon2"
)

// Role is what a user is allowed to be; the names are those of the CLI and
// the API.
type Role string

const (
	// Admin manages users and may do everything an analyst may.
	Admin Role = "admin"
	// Analyst runs the review: creates assessments, assigns, reviews,
	// scores, decides, locks a phase.
	Analyst Role = "analyst"
	// Reviewer scores the assessments assigned to her.
	Reviewer Role = "reviewer"
	// Submitter is a department's staff: drafts and submits her own
	// department's assessments only.
	Submitter Role = "submitter"
	// Council reads everything internal, changes nothing.
	Council Role = "council"
	// Public reads what is released.
	Public Role = "public"
)

// Roles lists every role, most powerful first.
var Roles = []Role{Admin, Analyst, Reviewer, Submitter, Council, Public}

// ParseRole returns the role named s, or EINVALID listing the roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", budget.Errorf(budget.EINVALID, "unknown role %q: use admin, analyst, reviewer, submitter, council or public", s)
}

// User is a local or single-sign-on account. PasswordHash is an argon2id
// hash in the PHC string format ("" for an account that logs in through
// OpenID Connect only). Department is the department code a submitter
// works for (as the budget writes it, e.g. "12"); other roles have none.
type User struct {
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	Department   string    `json:"department,omitempty"`
	PasswordHash string    `json:"-"`
	Subject      string    `json:"subject,omitempty"` // OpenID Connect issuer|subject, when linked
	Disabled     bool      `json:"disabled,omitempty"`
	Created      time.Time `json:"created"`
}

// Validate checks a user before it is stored: a name of 1 to 64 letters,
// digits, '.', '-', '_' or '@'; a known role; a department for a submitter
// and none for the others.
func (u User) Validate() error {
	if u.Name == "" || len(u.Name) > 64 {
		return budget.Errorf(budget.EINVALID, "user name %q: give 1 to 64 characters", u.Name)
	}
	for _, c := range u.Name {
		if !(unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune(".-_@", c)) {
			return budget.Errorf(budget.EINVALID, "user name %q: use letters, digits, '.', '-', '_' or '@' only", u.Name)
		}
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	if u.Role == Submitter && u.Department == "" {
		return budget.Errorf(budget.EINVALID, "user %s: a submitter works for a department: give --department CODE (the codes are listed by budgetlens assess coverage)", u.Name)
	}
	if u.Role != Submitter && u.Department != "" {
		return budget.Errorf(budget.EINVALID, "user %s: only a submitter has a department (role %s)", u.Name, u.Role)
	}
	return nil
}

// Argon2id parameters: RFC 9106's second recommended option (64 MiB of
// memory, 3 passes, 4 lanes), a 16-byte salt and a 32-byte key.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 4
	argonKeyLen  = 32
	saltLen      = 16
	// MinPassword is the shortest password accepted (NIST SP 800-63B: at least 8).
	MinPassword = 8
	// MaxPassword bounds what is hashed.
	MaxPassword = 1024
)

// HashPassword returns the argon2id hash of password in the PHC string
// format: $argon2id$v=19$m=65536,t=3,p=4$SALT$KEY (unpadded base64). A
// password shorter than MinPassword or longer than MaxPassword is EINVALID.
func HashPassword(password string) (string, error) {
	if len(password) < MinPassword || len(password) > MaxPassword {
		return "", budget.Errorf(budget.EINVALID, "a password has %d to %d characters", MinPassword, MaxPassword)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash (a PHC argon2id
// string as HashPassword writes, with its own parameters), comparing in
// constant time. A malformed hash never matches.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(password) > MaxPassword {
		return false
	}
	var v, m, t int
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m <= 0 || m > 1<<21 || t <= 0 || t > 100 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 || len(key) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, uint32(t), uint32(m), p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// NewToken returns a new session token: 32 random bytes, base64url. The
// token goes to the browser; only TokenHash(token) is stored, so a copy
// of the store opens no session.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// TokenHash is the stored form of a session token: its SHA-256 in hex (a
// token has 256 random bits, so no slow hash is needed).
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Session is a signed-in user's session as stored: the hash of its token
// (never the token), the user, and when it was opened and ends.
type Session struct {
	TokenHash string
	User      string
	Created   time.Time
	Expires   time.Time
}
