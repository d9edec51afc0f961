package events

import "time"

// Stored is a request as a store keeps it, with its number in the store
// (Seq, in order of first import). The line it was read from is not kept.
type Stored struct {
	Seq int64
	Request
}

// Same reports whether two versions of a request say the same thing (the
// fields an import can change; the line it was read from does not count).
func (r *Request) Same(o *Request) bool {
	return r.ID == o.ID && r.Type == o.Type && r.Agency == o.Agency && r.Source == o.Source && r.Status == o.Status &&
		r.Created.Equal(o.Created) && r.Closed.Equal(o.Closed) && r.ClosedByUpdate == o.ClosedByUpdate &&
		r.HasPoint == o.HasPoint && (!r.HasPoint || r.Lon == o.Lon && r.Lat == o.Lat) && r.Address == o.Address &&
		r.CD == o.CD && r.NC == o.NC && r.NCName == o.NCName && r.Synthetic == o.Synthetic
}

// ImportInfo records one import of requests.
type ImportInfo struct {
	ID     int64  `json:"id"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Schema string `json:"schema"`
	// Rows read; Added new requests; Updated requests already stored whose
	// fields changed (closed since, say); Unchanged already stored as they
	// are; Duplicates rows repeating a request number of an earlier row of
	// the file; Bad rows refused (lenient imports only).
	Rows       int64 `json:"rows"`
	Added      int64 `json:"added"`
	Updated    int64 `json:"updated"`
	Unchanged  int64 `json:"unchanged"`
	Duplicates int64 `json:"duplicates"`
	Bad        int64 `json:"bad_rows"`
	Synthetic  int64 `json:"synthetic"`
	// ClosedEarly counts requests whose closing time is written before
	// their creation time (counted as closed at creation: 0 days).
	ClosedEarly int64 `json:"closed_before_created"`
	// First and Last are the earliest and latest creation times read;
	// Coverage says it in words ("4 days of January 2018").
	First    time.Time `json:"first_created"`
	Last     time.Time `json:"last_created"`
	Coverage string    `json:"coverage"`
	At       time.Time `json:"imported_at"`
	Version  string    `json:"version"`
}
