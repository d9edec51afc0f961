package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/jackc/pgx/v5"
)

// Users and sessions (store.UserStore), as the DuckDB store keeps them
// (store/duckdb/users.go). A user's changes are audited (withAudit);
// sessions change no data and are not.

// userAudit is a user as the audit log shows it: never the password hash,
// only whether one is set.
func userAudit(u auth.User) json.RawMessage {
	b, _ := json.Marshal(struct {
		auth.User
		Password bool `json:"password_set"`
	}{u, u.PasswordHash != ""})
	return b
}

// checkUser validates u and refuses text PostgreSQL cannot store.
func checkUser(u auth.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	for _, v := range []string{u.Name, u.Department, u.PasswordHash, u.Subject} {
		if unstorable(v) {
			return budget.Errorf(budget.EINVALID, "store: user %q holds a NUL character or bytes that are not UTF-8, which PostgreSQL cannot store", u.Name)
		}
	}
	return nil
}

// AddUser stores a new user with its audit entry.
func (s *Store) AddUser(ctx context.Context, u auth.User, by string) error {
	if err := checkUser(u); err != nil {
		return err
	}
	return s.withAudit(ctx, func(tx pgx.Tx, seq int64, at time.Time) (audit.Entry, error) {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE name = $1`, u.Name).Scan(&n); err != nil {
			return audit.Entry{}, s.errorf(budget.EINTERNAL, err, "unable to read users")
		}
		if n > 0 {
			return audit.Entry{}, budget.Errorf(budget.ECONFLICT, "user %s exists already", u.Name)
		}
		if u.Created.IsZero() {
			u.Created = at
		}
		u.Created = u.Created.UTC().Truncate(time.Microsecond)
		_, err := tx.Exec(ctx, `INSERT INTO users (name, role, department, password_hash, subject, disabled, created_at, audit_seq) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
			u.Name, string(u.Role), u.Department, u.PasswordHash, u.Subject, u.Disabled, u.Created, seq)
		if err != nil {
			return audit.Entry{}, s.errorf(budget.EINTERNAL, err, "unable to add user %s", u.Name)
		}
		return audit.Entry{Actor: by, Action: "user_add", Object: "user/" + u.Name, Before: json.RawMessage("null"), After: userAudit(u)}, nil
	})
}

// UpdateUser replaces a stored user's attributes with its audit entry.
func (s *Store) UpdateUser(ctx context.Context, u auth.User, by string) error {
	if err := checkUser(u); err != nil {
		return err
	}
	return s.withAudit(ctx, func(tx pgx.Tx, seq int64, _ time.Time) (audit.Entry, error) {
		old, err := s.scanUser(tx.QueryRow(ctx, userSelect+` WHERE name = $1`, u.Name))
		if err != nil {
			return audit.Entry{}, err
		}
		u.Created = old.Created
		_, err = tx.Exec(ctx, `UPDATE users SET role = $1, department = $2, password_hash = $3, subject = $4, disabled = $5, audit_seq = $6 WHERE name = $7`,
			string(u.Role), u.Department, u.PasswordHash, u.Subject, u.Disabled, seq, u.Name)
		if err != nil {
			return audit.Entry{}, s.errorf(budget.EINTERNAL, err, "unable to update user %s", u.Name)
		}
		return audit.Entry{Actor: by, Action: "user_update", Object: "user/" + u.Name, Before: userAudit(old), After: userAudit(u)}, nil
	})
}

const userSelect = `SELECT name, role, department, password_hash, subject, disabled, created_at FROM users`

func (s *Store) scanUser(r pgx.Row) (auth.User, error) {
	var u auth.User
	var role string
	err := r.Scan(&u.Name, &role, &u.Department, &u.PasswordHash, &u.Subject, &u.Disabled, &u.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, budget.Errorf(budget.ENOTFOUND, "no such user (add one with budgetlens user add)")
	}
	if err != nil {
		return u, s.errorf(budget.EINTERNAL, err, "unable to read users")
	}
	u.Role, u.Created = auth.Role(role), u.Created.UTC()
	return u, nil
}

// User returns a user by name.
func (s *Store) User(ctx context.Context, name string) (auth.User, error) {
	if unstorable(name) {
		return auth.User{}, budget.Errorf(budget.ENOTFOUND, "no such user (add one with budgetlens user add)")
	}
	return s.scanUser(s.pool.QueryRow(ctx, userSelect+` WHERE name = $1`, name))
}

// UserBySubject returns the user linked to an OpenID Connect subject.
func (s *Store) UserBySubject(ctx context.Context, subject string) (auth.User, error) {
	if subject == "" || unstorable(subject) {
		return auth.User{}, budget.Errorf(budget.ENOTFOUND, "no user")
	}
	return s.scanUser(s.pool.QueryRow(ctx, userSelect+` WHERE subject = $1`, subject))
}

// Users lists the users by name (byte order).
func (s *Store) Users(ctx context.Context) ([]auth.User, error) {
	rows, err := s.pool.Query(ctx, userSelect+` ORDER BY name`+byteOrder)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read users")
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := s.scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, s.errorf(budget.EINTERNAL, rows.Err(), "unable to read users")
}

// CreateSession stores a session by its token hash; sessions that ended
// are removed as new ones begin.
func (s *Store) CreateSession(ctx context.Context, ss auth.Session) error {
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, time.Now().UTC()); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to store the session")
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_name, created_at, expires_at) VALUES ($1,$2,$3,$4)`,
			ss.TokenHash, ss.User, ss.Created.UTC(), ss.Expires.UTC())
		return s.errorf(budget.EINTERNAL, err, "unable to store the session")
	})
}

// Session returns a live session by its token hash.
func (s *Store) Session(ctx context.Context, tokenHash string, now time.Time) (auth.Session, error) {
	var ss auth.Session
	if unstorable(tokenHash) {
		return ss, budget.Errorf(budget.ENOTFOUND, "no session (sign in again)")
	}
	err := s.pool.QueryRow(ctx, `SELECT token_hash, user_name, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
		tokenHash, now.UTC()).Scan(&ss.TokenHash, &ss.User, &ss.Created, &ss.Expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return ss, budget.Errorf(budget.ENOTFOUND, "no session (sign in again)")
	}
	if err != nil {
		return ss, s.errorf(budget.EINTERNAL, err, "unable to read sessions")
	}
	ss.Created, ss.Expires = ss.Created.UTC(), ss.Expires.UTC()
	return ss, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.withTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return s.errorf(budget.EINTERNAL, err, "unable to end the session")
	})
}
