package office

import (
	"context"
	"sync"
	"time"

	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
)

// UserOptions add a user.
type UserOptions struct {
	Name       string
	Role       string
	Department string // a submitter's department code (as coverage lists it)
	Password   string // "" for a single-sign-on account
	Subject    string // OpenID Connect "issuer|subject" to link, optional
	By         string
}

// AddUser adds a local user with an argon2id hash of the password. A
// submitter's department must be one with budget requests (when any are
// stored).
func (o *Office) AddUser(ctx context.Context, opt UserOptions) (auth.User, error) {
	role, err := auth.ParseRole(opt.Role)
	if err != nil {
		return auth.User{}, err
	}
	u := auth.User{Name: opt.Name, Role: role, Department: opt.Department, Subject: opt.Subject}
	if err := u.Validate(); err != nil {
		return u, err
	}
	if u.Department != "" {
		if err := o.departmentKnown(ctx, u.Department); err != nil {
			return u, err
		}
	}
	if opt.Password == "" && opt.Subject == "" {
		return u, budget.Errorf(budget.EINVALID, "give a password on standard input (or link a single-sign-on subject)")
	}
	if opt.Password != "" {
		if u.PasswordHash, err = auth.HashPassword(opt.Password); err != nil {
			return u, err
		}
	}
	return u, o.Store.AddUser(ctx, u, opt.By)
}

// SessionLength is how long a session lasts.
const SessionLength = 12 * time.Hour

// ErrLogin is the one answer to a failed login, whatever failed (no such
// user, a wrong password, a disabled account), so that it does not tell
// which names exist.
var ErrLogin = budget.Errorf(budget.EFORBIDDEN, "the user name or password is wrong")

// Login checks a user's password and opens a session; it returns the
// token (for the cookie; only its hash is stored) and the user.
func (o *Office) Login(ctx context.Context, name, password string) (string, auth.User, error) {
	u, err := o.Store.User(ctx, name)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		auth.CheckPassword(dummyHash(), password) // the same time as a real check
		return "", auth.User{}, ErrLogin
	}
	if err != nil {
		return "", auth.User{}, err
	}
	if !auth.CheckPassword(u.PasswordHash, password) || u.Disabled {
		return "", auth.User{}, ErrLogin
	}
	tok, err := o.OpenSession(ctx, u)
	return tok, u, err
}

// dummyHash is checked when there is no such user, made once when first needed.
var dummyHash = sync.OnceValue(func() string { h, _ := auth.HashPassword("not a password of anyone"); return h })

// OpenSession opens a session for a user who has been authenticated (by
// password or single sign-on) and returns its token.
func (o *Office) OpenSession(ctx context.Context, u auth.User) (string, error) {
	tok, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	now := time.Now().UTC()
	return tok, o.Store.CreateSession(ctx, auth.Session{TokenHash: auth.TokenHash(tok), User: u.Name, Created: now, Expires: now.Add(SessionLength)})
}

// SessionUser returns the user of a live session token; ENOTFOUND when the
// session does not exist, has expired or its user is disabled.
func (o *Office) SessionUser(ctx context.Context, token string) (auth.User, error) {
	s, err := o.Store.Session(ctx, auth.TokenHash(token), time.Now().UTC())
	if err != nil {
		return auth.User{}, err
	}
	u, err := o.Store.User(ctx, s.User)
	if err != nil || u.Disabled {
		return auth.User{}, budget.Errorf(budget.ENOTFOUND, "no session (sign in again)")
	}
	return u, nil
}

// Logout ends a session.
func (o *Office) Logout(ctx context.Context, token string) error {
	return o.Store.DeleteSession(ctx, auth.TokenHash(token))
}

// AuditReport is the result of checking the audit chain.
type AuditReport struct {
	Entries int           `json:"entries"`
	Head    string        `json:"head"` // the last entry's hash
	Broken  *audit.Broken `json:"broken"`
}

// VerifyAudit reads the whole audit log and checks its chain
// (audit.Verify), also against the entries stored objects name.
func (o *Office) VerifyAudit(ctx context.Context) (AuditReport, error) {
	log, err := o.Store.AuditLog(ctx, store.AuditFilter{})
	if err != nil {
		return AuditReport{}, err
	}
	claimed, err := o.Store.AuditClaimed(ctx)
	if err != nil {
		return AuditReport{}, err
	}
	r := AuditReport{Entries: len(log), Broken: audit.Verify(log, claimed)}
	if len(log) > 0 {
		r.Head = log[len(log)-1].Hash
	}
	return r, nil
}
