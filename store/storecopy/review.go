package storecopy

import (
	"context"
	"fmt"

	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/store"
)

// copyReview copies the review of budget requests (users, assessments,
// phase locks, evidence files and the audit log, with their ids, versions
// and audit entries) in one transaction, after checking that the source's
// audit chain is intact: a broken log is not carried to a new store as if
// it were whole.
func copyReview(ctx context.Context, res store.Restorer, exp store.Exporter, src store.Store, sum *Summary, progress func(string, int, int)) error {
	r, err := exp.ReviewRecords(ctx)
	if err != nil {
		return err
	}
	if len(r.Audit)+len(r.Users)+len(r.Assessments)+len(r.Locks)+len(r.Files) == 0 {
		return nil
	}
	claimed, err := src.AuditClaimed(ctx)
	if err != nil {
		return err
	}
	if b := audit.Verify(r.Audit, claimed); b != nil {
		return fmt.Errorf("the source's audit log is broken (%v): run budgetlens audit verify on it; nothing of the review was copied", b)
	}
	if err := res.RestoreReview(ctx, r); err != nil {
		return err
	}
	sum.Users, sum.Assessments, sum.PhaseLocks, sum.EvidenceFiles, sum.AuditEntries = len(r.Users), len(r.Assessments), len(r.Locks), len(r.Files), len(r.Audit)
	progress("review", 1, 1)
	return nil
}

// reviewPart digests the review's records as exported: the audit log
// (every field, hashes included), users with their password hashes,
// assessments, locks and files with their bytes, each with its audit entry.
func reviewPart(ctx context.Context, _ store.Store, exp store.Exporter, f *Fingerprint) error {
	r, err := exp.ReviewRecords(ctx)
	if err != nil {
		return err
	}
	d := newDigest()
	if err := d.add(len(r.Audit)); err != nil {
		return err
	}
	for _, e := range r.Audit {
		if err := d.add(e.Seq, e.At, e.Actor, e.Action, e.Object, string(e.Before), string(e.After), e.PrevHash, e.Hash); err != nil {
			return err
		}
	}
	if err := d.add(len(r.Users)); err != nil {
		return err
	}
	for _, u := range r.Users {
		if err := d.add(u.User, u.PasswordHash, u.Created, u.AuditSeq); err != nil {
			return err
		}
	}
	if err := d.add(len(r.Assessments)); err != nil {
		return err
	}
	for _, a := range r.Assessments {
		if err := d.add(a, a.ID, a.Version, a.AuditSeq, a.Created, a.Updated); err != nil {
			return err
		}
	}
	if err := d.add(len(r.Locks)); err != nil {
		return err
	}
	for _, l := range r.Locks {
		if err := d.add(l.PhaseLock, l.At, l.AuditSeq); err != nil {
			return err
		}
	}
	if err := d.add(len(r.Files)); err != nil {
		return err
	}
	for _, fr := range r.Files {
		if err := d.add(fr.File, fr.At, fr.Data, fr.AuditSeq); err != nil {
			return err
		}
	}
	f.Review = d.sum()
	return nil
}
