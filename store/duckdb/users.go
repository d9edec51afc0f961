package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
)

// userAudit is a user as the audit log shows it: never the password hash,
// only whether one is set.
func userAudit(u auth.User) json.RawMessage {
	b, _ := json.Marshal(struct {
		auth.User
		Password bool `json:"password_set"`
	}{u, u.PasswordHash != ""})
	return b
}

// AddUser stores a new user with its audit entry.
func (s *Store) AddUser(ctx context.Context, u auth.User, by string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	_, err := s.withAudit(ctx, func(tx *sql.Tx, seq int64, at time.Time) (audit.Entry, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE name = ?`, u.Name).Scan(&n); err != nil {
			return audit.Entry{}, fmt.Errorf("store: unable to read users: %w", err)
		}
		if n > 0 {
			return audit.Entry{}, budget.Errorf(budget.ECONFLICT, "user %s exists already", u.Name)
		}
		if u.Created.IsZero() {
			u.Created = at
		}
		u.Created = u.Created.UTC().Truncate(time.Microsecond)
		_, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, department, password_hash, subject, disabled, created_at, audit_seq) VALUES (?,?,?,?,?,?,?,?)`,
			u.Name, string(u.Role), u.Department, u.PasswordHash, u.Subject, u.Disabled, u.Created, seq)
		if err != nil {
			return audit.Entry{}, fmt.Errorf("store: unable to add user %s: %w", u.Name, err)
		}
		return audit.Entry{Actor: by, Action: "user_add", Object: "user/" + u.Name, Before: json.RawMessage("null"), After: userAudit(u)}, nil
	})
	return err
}

// UpdateUser replaces a stored user's attributes with its audit entry.
func (s *Store) UpdateUser(ctx context.Context, u auth.User, by string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	_, err := s.withAudit(ctx, func(tx *sql.Tx, seq int64, _ time.Time) (audit.Entry, error) {
		old, err := scanUser(tx.QueryRowContext(ctx, userSelect+` WHERE name = ?`, u.Name))
		if err != nil {
			return audit.Entry{}, err
		}
		u.Created = old.Created
		_, err = tx.ExecContext(ctx, `UPDATE users SET role = ?, department = ?, password_hash = ?, subject = ?, disabled = ?, audit_seq = ? WHERE name = ?`,
			string(u.Role), u.Department, u.PasswordHash, u.Subject, u.Disabled, seq, u.Name)
		if err != nil {
			return audit.Entry{}, fmt.Errorf("store: unable to update user %s: %w", u.Name, err)
		}
		return audit.Entry{Actor: by, Action: "user_update", Object: "user/" + u.Name, Before: userAudit(old), After: userAudit(u)}, nil
	})
	return err
}

const userSelect = `SELECT name, role, department, password_hash, subject, disabled, created_at FROM users`

type rowScanner interface{ Scan(...any) error }

func scanUser(r rowScanner) (auth.User, error) {
	var u auth.User
	var role string
	err := r.Scan(&u.Name, &role, &u.Department, &u.PasswordHash, &u.Subject, &u.Disabled, &u.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return u, budget.Errorf(budget.ENOTFOUND, "no such user (add one with budgetlens user add)")
	}
	if err != nil {
		return u, fmt.Errorf("store: unable to read users: %w", err)
	}
	u.Role, u.Created = auth.Role(role), u.Created.UTC()
	return u, nil
}

// User returns a user by name.
func (s *Store) User(ctx context.Context, name string) (auth.User, error) {
	return scanUser(s.db.QueryRowContext(ctx, userSelect+` WHERE name = ?`, name))
}

// UserBySubject returns the user linked to an OpenID Connect subject.
func (s *Store) UserBySubject(ctx context.Context, subject string) (auth.User, error) {
	if subject == "" {
		return auth.User{}, budget.Errorf(budget.ENOTFOUND, "no user")
	}
	return scanUser(s.db.QueryRowContext(ctx, userSelect+` WHERE subject = ?`, subject))
}

// Users lists the users by name.
func (s *Store) Users(ctx context.Context) ([]auth.User, error) {
	rows, err := s.db.QueryContext(ctx, userSelect+` ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read users: %w", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateSession stores a session by its token hash.
func (s *Store) CreateSession(ctx context.Context, ss auth.Session) error {
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		// sessions that ended are removed as new ones begin
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, time.Now().UTC()); err != nil {
			return fmt.Errorf("store: unable to store the session: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_name, created_at, expires_at) VALUES (?,?,?,?)`,
			ss.TokenHash, ss.User, ss.Created.UTC(), ss.Expires.UTC())
		if err != nil {
			return fmt.Errorf("store: unable to store the session: %w", err)
		}
		return nil
	})
}

// Session returns a live session by its token hash.
func (s *Store) Session(ctx context.Context, tokenHash string, now time.Time) (auth.Session, error) {
	var ss auth.Session
	err := s.db.QueryRowContext(ctx, `SELECT token_hash, user_name, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, now.UTC()).Scan(&ss.TokenHash, &ss.User, &ss.Created, &ss.Expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, budget.Errorf(budget.ENOTFOUND, "no session (sign in again)")
	}
	if err != nil {
		return ss, fmt.Errorf("store: unable to read sessions: %w", err)
	}
	ss.Created, ss.Expires = ss.Created.UTC(), ss.Expires.UTC()
	return ss, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}
