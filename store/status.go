package store

import "context"

// Status describes a store for its operators ("budgetlens db status"):
// what it is, where, the schema's migrations, its size table by table and,
// for a server, the connection pool.
type Status struct {
	Kind     string `json:"kind"`     // "duckdb" or "postgres"
	Location string `json:"location"` // the file, or the URL with its password redacted
	ReadOnly bool   `json:"read_only"`
	Server   string `json:"server"`            // engine and version
	PostGIS  string `json:"postgis,omitempty"` // PostGIS version, when installed
	// Standby is true on a streaming replica; ReplayLagSeconds is then the
	// age of the last transaction it replayed (nil when unknown).
	Standby          bool          `json:"standby,omitempty"`
	ReplayLagSeconds *float64      `json:"replay_lag_seconds,omitempty"`
	StatementTimeout string        `json:"statement_timeout,omitempty"`
	Migrations       Migrations    `json:"migrations"`
	SizeBytes        int64         `json:"size_bytes"`
	Tables           []TableStatus `json:"tables"`
	Pool             *PoolStatus   `json:"pool,omitempty"`
}

// Migrations is the schema's state: the migrations applied, those this
// binary would apply, and the newest it knows.
type Migrations struct {
	Applied []string `json:"applied"`
	Pending []string `json:"pending"`
	Newest  string   `json:"newest_known"`
}

// TableStatus is one table's size. Rows is exact for DuckDB and the
// planner's estimate for PostgreSQL.
type TableStatus struct {
	Name  string `json:"name"`
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes,omitempty"`
}

// PoolStatus is a connection pool's state (pgxpool's statistics).
type PoolStatus struct {
	Max                  int32   `json:"max"`
	Total                int32   `json:"total"`
	Idle                 int32   `json:"idle"`
	Acquired             int32   `json:"acquired"`
	Constructing         int32   `json:"constructing"`
	Acquires             int64   `json:"acquires"`
	AcquiresThatWaited   int64   `json:"acquires_that_waited"`
	CanceledAcquires     int64   `json:"canceled_acquires"`
	AcquireWaitSeconds   float64 `json:"acquire_wait_seconds"`
	NewConnections       int64   `json:"new_connections"`
	ClosedForIdleTime    int64   `json:"closed_for_idle_time"`
	ClosedForMaxLifetime int64   `json:"closed_for_max_lifetime"`
}

// StatusReporter is implemented by the stores that can describe
// themselves (both of budgetlens').
type StatusReporter interface {
	Status(ctx context.Context) (*Status, error)
}
