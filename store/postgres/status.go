package postgres

import (
	"context"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/migrate"
)

var _ store.StatusReporter = (*Store)(nil)

// Status describes the database: server and PostGIS versions, standby
// state and replay lag, the statement timeout in force, migrations, the
// database's size and each budgetlens table's estimated rows and bytes,
// and the connection pool's statistics. It only reads, so it works on a
// replica.
func (s *Store) Status(ctx context.Context) (*store.Status, error) {
	st := &store.Status{Kind: "postgres", Location: s.where, ReadOnly: s.readOnly}
	var lag *float64
	err := s.pool.QueryRow(ctx, `SELECT version(), pg_is_in_recovery(), current_setting('statement_timeout'), pg_database_size(current_database()),
		CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END`).
		Scan(&st.Server, &st.Standby, &st.StatementTimeout, &st.SizeBytes, &lag)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the status of %s", s.where)
	}
	st.ReplayLagSeconds = lag
	var postgis *string
	if err := s.pool.QueryRow(ctx, `SELECT extversion FROM pg_extension WHERE extname = 'postgis'`).Scan(&postgis); err == nil && postgis != nil {
		st.PostGIS = *postgis
	}
	applied, err := s.AppliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	known := Migrations()
	st.Migrations = store.Migrations{Applied: applied, Newest: known[len(known)-1]}
	if st.Migrations.Pending, err = migrate.Pending(known, applied, s.where); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT c.relname::text, greatest(c.reltuples, coalesce(t.n_live_tup, 0))::bigint, pg_total_relation_size(c.oid)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables t ON t.relid = c.oid
		WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 1`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the table sizes of %s", s.where)
	}
	defer rows.Close()
	for rows.Next() {
		var t store.TableStatus
		if err := rows.Scan(&t.Name, &t.Rows, &t.Bytes); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read the table sizes of %s", s.where)
		}
		st.Tables = append(st.Tables, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the table sizes of %s", s.where)
	}
	ps := s.pool.Stat()
	st.Pool = &store.PoolStatus{Max: ps.MaxConns(), Total: ps.TotalConns(), Idle: ps.IdleConns(), Acquired: ps.AcquiredConns(),
		Constructing: ps.ConstructingConns(), Acquires: ps.AcquireCount(), AcquiresThatWaited: ps.EmptyAcquireCount(),
		CanceledAcquires: ps.CanceledAcquireCount(), AcquireWaitSeconds: ps.AcquireDuration().Seconds(), NewConnections: ps.NewConnsCount(),
		ClosedForIdleTime: ps.MaxIdleDestroyCount(), ClosedForMaxLifetime: ps.MaxLifetimeDestroyCount()}
	return st, nil
}
