package embargo

import (
	"context"
	"time"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
)

// The review of budget requests is internal: in the public view there are
// no assessments, users, sessions or audit entries (reads are empty or
// ENOTFOUND; writes are refused). What the public learns of a review comes
// through released phases only.

func noAssessment(id int64) error {
	return budget.Errorf(budget.ENOTFOUND, "no assessment %d", id)
}

// CreateAssessments is refused.
func (e *Store) CreateAssessments(context.Context, []assess.Assessment, string) (int, error) {
	return 0, readOnly()
}

// Assessments lists none.
func (e *Store) Assessments(context.Context, assess.Filter) ([]assess.Assessment, error) {
	return []assess.Assessment{}, nil
}

// Assessment finds none.
func (e *Store) Assessment(_ context.Context, id int64) (assess.Assessment, error) {
	return assess.Assessment{}, noAssessment(id)
}

// UpdateAssessment is refused.
func (e *Store) UpdateAssessment(context.Context, assess.Assessment, string, string) (assess.Assessment, error) {
	return assess.Assessment{}, readOnly()
}

// LockPhase is refused.
func (e *Store) LockPhase(context.Context, budget.PhaseKey, string) error { return readOnly() }

// PhaseLocks lists none.
func (e *Store) PhaseLocks(context.Context) ([]store.PhaseLock, error) { return nil, nil }

// AddUser is refused.
func (e *Store) AddUser(context.Context, auth.User, string) error { return readOnly() }

// UpdateUser is refused.
func (e *Store) UpdateUser(context.Context, auth.User, string) error { return readOnly() }

// User finds none.
func (e *Store) User(_ context.Context, name string) (auth.User, error) {
	return auth.User{}, budget.Errorf(budget.ENOTFOUND, "no user %q", name)
}

// UserBySubject finds none.
func (e *Store) UserBySubject(context.Context, string) (auth.User, error) {
	return auth.User{}, budget.Errorf(budget.ENOTFOUND, "no user")
}

// Users lists none.
func (e *Store) Users(context.Context) ([]auth.User, error) { return nil, nil }

// CreateSession is refused.
func (e *Store) CreateSession(context.Context, auth.Session) error { return readOnly() }

// Session finds none.
func (e *Store) Session(context.Context, string, time.Time) (auth.Session, error) {
	return auth.Session{}, budget.Errorf(budget.ENOTFOUND, "no session")
}

// DeleteSession does nothing.
func (e *Store) DeleteSession(context.Context, string) error { return nil }

// AuditLog lists none.
func (e *Store) AuditLog(context.Context, store.AuditFilter) ([]audit.Entry, error) { return nil, nil }

// AuditClaimed is 0.
func (e *Store) AuditClaimed(context.Context) (int64, error) { return 0, nil }

// AddEvidence is refused.
func (e *Store) AddEvidence(context.Context, assess.File, []byte, string) (assess.File, error) {
	return assess.File{}, readOnly()
}

// EvidenceList lists none.
func (e *Store) EvidenceList(context.Context, int64) ([]assess.File, error) { return nil, nil }

// EvidenceData finds none.
func (e *Store) EvidenceData(_ context.Context, id, _ int64) (assess.File, []byte, error) {
	return assess.File{}, nil, noAssessment(id)
}
