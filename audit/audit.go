// Package audit is the tamper-evident trail of changes: every change to an
// assessment, a user or a phase lock is an Entry (who, when, what, before
// and after), written by the store in the same transaction as the change
// to an append-only table whose rows are hash-chained. Verify recomputes
// the chain and names the first entry that does not fit.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Entry is one recorded change. Seq numbers entries 1, 2, 3... with no gap;
// Object names what changed ("assessment/42", "user/ana", "lock/la/2021/proposed");
// Before and After are the object's JSON before and after (null when it
// did not exist / no longer exists). PrevHash is the previous entry's Hash
// ("" for the first); Hash covers PrevHash and the entry's canonical content.
type Entry struct {
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Object   string          `json:"object"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// Canonical is the entry's content as hashed: the fields joined with their
// lengths, so no two different entries share it: seq, time (UTC, RFC 3339
// with nanoseconds truncated to microseconds, as both stores keep it),
// actor, action, object, before and after (compacted JSON).
func (e Entry) Canonical() []byte {
	var b bytes.Buffer
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte(';')
	}
	field(strconv.FormatInt(e.Seq, 10))
	field(e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
	field(e.Actor)
	field(e.Action)
	field(e.Object)
	field(compact(e.Before))
	field(compact(e.After))
	return b.Bytes()
}

func compact(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "null"
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw) // not JSON: hashed as written, so a change still shows
	}
	return b.String()
}

// ComputeHash is hex(SHA-256(prevHash || "\n" || Canonical())).
func (e Entry) ComputeHash() string {
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write([]byte("\n"))
	h.Write(e.Canonical())
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets e's Seq, PrevHash and Hash to follow prev (nil for the first
// entry) and truncates its time to microseconds, as stored.
func Seal(e *Entry, prev *Entry) {
	e.Seq, e.PrevHash = 1, ""
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Hash = e.ComputeHash()
}

// Broken names the first entry that does not fit the chain and why.
type Broken struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

func (b *Broken) Error() string {
	return fmt.Sprintf("audit log entry %d: %s", b.Seq, b.Reason)
}

// Verify checks entries (in Seq order, as read) and returns nil when every
// entry's Seq follows the previous one by 1 from 1, its PrevHash is the
// previous Hash and its Hash is its own ComputeHash. Otherwise it names
// the first entry that fails: an edited row fails its own hash; a deleted
// row makes the next one skip a number; a deleted first row makes the
// first entry start after 1. minLast is the highest Seq that other tables
// say exists (each stored object keeps the Seq of its last change): when
// the log ends before it, its last entries were deleted.
func Verify(entries []Entry, minLast int64) *Broken {
	var prev *Entry
	for i := range entries {
		e := &entries[i]
		want, wantPrev := int64(1), ""
		if prev != nil {
			want, wantPrev = prev.Seq+1, prev.Hash
		}
		switch {
		case e.Seq != want:
			return &Broken{Seq: want, Reason: fmt.Sprintf("missing: the next entry stored is %d (a row was deleted)", e.Seq)}
		case e.PrevHash != wantPrev:
			return &Broken{Seq: e.Seq, Reason: "its previous hash is not the hash of the entry before it (an entry was changed or replaced)"}
		case e.ComputeHash() != e.Hash:
			return &Broken{Seq: e.Seq, Reason: "its content does not match its hash (the row was edited)"}
		}
		prev = e
	}
	last := int64(0)
	if prev != nil {
		last = prev.Seq
	}
	if minLast > last {
		return &Broken{Seq: last + 1, Reason: fmt.Sprintf("missing: the log ends at %d but stored objects name changes up to %d (the last rows were deleted)", last, minLast)}
	}
	return nil
}
