package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
)

// AssessStore keeps the equity assessments of budget requests and the
// locks of reviewed phases. Every write appends its audit entry
// (audit.Entry: actor, action, object "assessment/ID" or
// "lock/JUR/FY/PHASE", the JSON before and after) to the audit log in the
// same transaction, so a change is never stored without its entry nor an
// entry without its change.
type AssessStore interface {
	// CreateAssessments stores new assessments in one transaction: the
	// store numbers them (ID), sets Version 1, Created and Updated, and
	// skips a request that already has an assessment in its phase (same
	// jurisdiction, fiscal year, phase and request key). It returns the
	// number created.
	CreateAssessments(ctx context.Context, as []assess.Assessment, by string) (int, error)
	// Assessments lists the assessments matching f, ordered by department
	// code, request key and id.
	Assessments(ctx context.Context, f assess.Filter) ([]assess.Assessment, error)
	// Assessment returns one assessment; ENOTFOUND when there is none.
	Assessment(ctx context.Context, id int64) (assess.Assessment, error)
	// UpdateAssessment stores a in place of the assessment a.ID when the
	// stored version is a.Version (optimistic concurrency), as version
	// a.Version+1 with Updated set, and returns what was stored. A stored
	// version other than a.Version is ECONFLICT and changes nothing; a
	// missing assessment is ENOTFOUND. action names the change in the audit
	// log ("answer", "submit", "score", ...).
	UpdateAssessment(ctx context.Context, a assess.Assessment, action, by string) (assess.Assessment, error)
	// LockPhase records that a phase's review is closed (office checks
	// first that every request has a decision). Locking a locked phase is
	// ECONFLICT.
	LockPhase(ctx context.Context, k budget.PhaseKey, by string) error
	// PhaseLocks lists the locked phases.
	PhaseLocks(ctx context.Context) ([]PhaseLock, error)
	// AddEvidence stores an uploaded file of an existing assessment (its
	// bytes and the metadata f; the store sets ID, At and By) with an audit
	// entry (object "assessment/ID/evidence/FILE", the metadata with its
	// SHA-256 as after). ENOTFOUND when the assessment does not exist.
	AddEvidence(ctx context.Context, f assess.File, data []byte, by string) (assess.File, error)
	// EvidenceList lists an assessment's files, oldest first.
	EvidenceList(ctx context.Context, assessment int64) ([]assess.File, error)
	// EvidenceData returns one file of an assessment with its bytes;
	// ENOTFOUND when the assessment has no such file.
	EvidenceData(ctx context.Context, assessment, file int64) (assess.File, []byte, error)
}

// PhaseLock is a phase whose review is closed.
type PhaseLock struct {
	budget.PhaseKey
	By string
	At time.Time
}

// UserStore keeps users and sessions. Adding or changing a user appends an
// audit entry (object "user/NAME"; the password hash is never written to
// the log) in the same transaction. Sessions are stored by the hash of
// their token only.
type UserStore interface {
	// AddUser stores a new user (validated by auth.User.Validate); a name
	// already taken is ECONFLICT.
	AddUser(ctx context.Context, u auth.User, by string) error
	// UpdateUser replaces a stored user's role, department, password hash,
	// subject and disabled flag; ENOTFOUND when there is none.
	UpdateUser(ctx context.Context, u auth.User, by string) error
	// User returns a user by name; ENOTFOUND when there is none.
	User(ctx context.Context, name string) (auth.User, error)
	// UserBySubject returns the user linked to an OpenID Connect
	// "issuer|subject"; ENOTFOUND when none is.
	UserBySubject(ctx context.Context, subject string) (auth.User, error)
	// Users lists the users by name.
	Users(ctx context.Context) ([]auth.User, error)
	// CreateSession stores a session (not audited: it changes no data).
	CreateSession(ctx context.Context, s auth.Session) error
	// Session returns the session whose token hash is given when it has
	// not expired at now; ENOTFOUND otherwise.
	Session(ctx context.Context, tokenHash string, now time.Time) (auth.Session, error)
	// DeleteSession ends a session (no error when there is none).
	DeleteSession(ctx context.Context, tokenHash string) error
}

// AuditStore reads the audit log the other stores append to. Nothing
// rewrites or deletes its rows.
type AuditStore interface {
	// AuditLog lists the entries matching f, oldest first (by Seq).
	AuditLog(ctx context.Context, f AuditFilter) ([]audit.Entry, error)
	// AuditClaimed is the highest audit Seq that stored objects (an
	// assessment, a user, a phase lock) name as their last change, so that
	// audit.Verify notices when the log's last rows were deleted.
	AuditClaimed(ctx context.Context) (int64, error)
}

// AuditFilter selects audit entries: of one object ("" for all), after a
// Seq (0 for all).
type AuditFilter struct {
	Object   string
	AfterSeq int64
}

// ReviewRecords is everything the review of budget requests stores, as
// stored (ids, versions, the audit entries each record names, times), for
// copies (package storecopy). Sessions are not part of it: a copy's users
// sign in again.
type ReviewRecords struct {
	Audit       []audit.Entry       // the whole log, by Seq
	Users       []UserRecord        // by name
	Assessments []assess.Assessment // with ID, Version, AuditSeq, Created, Updated
	Locks       []LockRecord
	Files       []FileRecord // by id
}

// UserRecord is a stored user with the audit entry of its last change.
type UserRecord struct {
	auth.User
	AuditSeq int64
}

// LockRecord is a phase lock with its audit entry.
type LockRecord struct {
	PhaseLock
	AuditSeq int64
}

// FileRecord is an evidence file with its bytes and audit entry.
type FileRecord struct {
	assess.File
	Data     []byte
	AuditSeq int64
}

// ReviewExporter reads the review's records for a copy.
type ReviewExporter interface {
	ReviewRecords(ctx context.Context) (ReviewRecords, error)
}

// ReviewRestorer writes them as they were read, in one transaction: the
// audit log row by row (its hashes still verify), every record with its
// ids, versions and audit entries. A store that holds any of them already
// refuses (ECONFLICT or the database's key error) and changes nothing.
type ReviewRestorer interface {
	RestoreReview(ctx context.Context, r ReviewRecords) error
}

// AssessmentRow is an assessment as both stores hold it: its columns in
// the order the stores select them (Targets), JSON fields as text, turned
// back into an assessment by Assessment. One place for the row's shape.
type AssessmentRow struct {
	a                                                 assess.Assessment
	phase, status, decision, rev, ans, reviews, comms string
	startMonth                                        int
}

// Targets are the scan destinations of the stores' assessment columns:
// id, jurisdiction, fy_start, phase, request_key, dept_code, dept_name,
// prog_code, prog_name, description, category, amount_cents, template,
// template_version, status, decision, due, reviewers, answers, reviews,
// comments, version, audit_seq, created, updated, and the first month of
// the jurisdiction's fiscal year (for the fiscal year's label: "2022" for a
// calendar year, "2021-22" for one starting in July).
func (r *AssessmentRow) Targets() []any {
	a := &r.a
	return []any{&a.ID, &a.Jurisdiction, &a.FYStart, &r.phase, &a.RequestKey, &a.Department.Code, &a.Department.Name, &a.Program.Code, &a.Program.Name,
		&a.Description, &a.Category, &a.AmountCents, &a.Template, &a.TemplateVersion, &r.status, &r.decision, &a.Due,
		&r.rev, &r.ans, &r.reviews, &r.comms, &a.Version, &a.AuditSeq, &a.Created, &a.Updated, &r.startMonth}
}

// Assessment is the scanned row as an assessment (times in UTC, JSON
// fields decoded, answers never nil).
func (r *AssessmentRow) Assessment() (assess.Assessment, error) {
	a := r.a
	a.Phase, a.Status, a.Decision = budget.Phase(r.phase), assess.Status(r.status), assess.Decision(r.decision)
	sm := r.startMonth
	if sm < 1 || sm > 12 {
		sm = 7
	}
	a.FiscalYear = budget.FiscalYear{Start: a.FYStart, StartMonth: sm}.Label()
	a.Created, a.Updated = a.Created.UTC(), a.Updated.UTC()
	for _, p := range []struct {
		s string
		v any
	}{{r.rev, &a.Reviewers}, {r.ans, &a.Answers}, {r.reviews, &a.Reviews}, {r.comms, &a.Comments}} {
		if err := json.Unmarshal([]byte(p.s), p.v); err != nil {
			return a, fmt.Errorf("store: assessment %d holds unreadable JSON: %w", a.ID, err)
		}
	}
	if a.Answers == nil {
		a.Answers = map[string]any{}
	}
	return a, nil
}
