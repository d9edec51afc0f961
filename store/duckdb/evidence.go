package duckdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/budget"
)

// AddEvidence stores an uploaded file with its audit entry.
func (s *Store) AddEvidence(ctx context.Context, f assess.File, data []byte, by string) (assess.File, error) {
	sum := sha256.Sum256(data)
	f.SHA256, f.Size, f.By = hex.EncodeToString(sum[:]), int64(len(data)), by
	_, err := s.withAudit(ctx, func(tx *sql.Tx, seq int64, at time.Time) (audit.Entry, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM assessments WHERE id = ?`, f.Assessment).Scan(&n); err != nil {
			return audit.Entry{}, err
		}
		if n == 0 {
			return audit.Entry{}, budget.Errorf(budget.ENOTFOUND, "no assessment %d", f.Assessment)
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM assessment_files`).Scan(&f.ID); err != nil {
			return audit.Entry{}, err
		}
		f.At = at
		if _, err := tx.ExecContext(ctx, `INSERT INTO assessment_files VALUES (?,?,?,?,?,?,?,?,?,?)`,
			f.ID, f.Assessment, f.Name, f.Type, f.Size, f.SHA256, data, by, at, seq); err != nil {
			return audit.Entry{}, fmt.Errorf("store: unable to store evidence %s: %w", f.Name, err)
		}
		after, _ := json.Marshal(f)
		return audit.Entry{Actor: by, Action: "evidence", Object: fmt.Sprintf("assessment/%d/evidence/%d", f.Assessment, f.ID), Before: json.RawMessage("null"), After: after}, nil
	})
	return f, err
}

const fileCols = `id, assessment_id, name, media_type, size, sha256, actor, added_at`

func scanFile(r rowScanner, f *assess.File) error {
	if err := r.Scan(&f.ID, &f.Assessment, &f.Name, &f.Type, &f.Size, &f.SHA256, &f.By, &f.At); err != nil {
		return err
	}
	f.At = f.At.UTC()
	return nil
}

// EvidenceList lists an assessment's files.
func (s *Store) EvidenceList(ctx context.Context, assessment int64) ([]assess.File, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+fileCols+` FROM assessment_files WHERE assessment_id = ? ORDER BY id`, assessment)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list evidence: %w", err)
	}
	defer rows.Close()
	out := []assess.File{}
	for rows.Next() {
		var f assess.File
		if err := scanFile(rows, &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// EvidenceData returns one file with its bytes.
func (s *Store) EvidenceData(ctx context.Context, assessment, file int64) (assess.File, []byte, error) {
	var f assess.File
	var data []byte
	row := s.db.QueryRowContext(ctx, `SELECT `+fileCols+`, data FROM assessment_files WHERE assessment_id = ? AND id = ?`, assessment, file)
	err := row.Scan(&f.ID, &f.Assessment, &f.Name, &f.Type, &f.Size, &f.SHA256, &f.By, &f.At, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil, budget.Errorf(budget.ENOTFOUND, "assessment %d has no evidence file %d", assessment, file)
	}
	if err != nil {
		return f, nil, fmt.Errorf("store: unable to read evidence: %w", err)
	}
	f.At = f.At.UTC()
	return f, data, nil
}
