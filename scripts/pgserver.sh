# Sourced by scripts/test.sh (and usable by hand: `source scripts/pgserver.sh;
# pgserver_start 55444`). Starts a throw-away PostgreSQL 15 server with
# PostGIS available on 127.0.0.1:PORT and a streaming replica of it
# (pg_basebackup -R) on PORT+1, and exports
#   BUDGETLENS_TEST_PG          postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable
#   BUDGETLENS_TEST_PG_REPLICA  the same on PORT+1 (read-only, hot standby)
# pgserver_stop stops both and removes their files. Authentication is trust
# on the loopback address only: these servers hold test data and nothing else.

pgserver_bin=/usr/lib/postgresql/15/bin

pgserver_as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

pgserver_start() {
  local port=$1 replica_port=$(($1 + 1))
  pgserver_dir=$(mktemp -d /tmp/budgetlens-pg.XXXXXX)
  chown postgres "$pgserver_dir" 2>/dev/null || true
  pgserver_as_pg "$pgserver_bin/initdb -D $pgserver_dir/data -A trust -U postgres >/dev/null"
  # wal_level replica and wal senders for the standby; fsync off: test data only
  pgserver_as_pg "$pgserver_bin/pg_ctl -D $pgserver_dir/data -o '-p $port -k $pgserver_dir -c listen_addresses=127.0.0.1 -c fsync=off -c wal_level=replica -c max_wal_senders=4 -c max_connections=200' -l $pgserver_dir/log -w start >/dev/null"
  export BUDGETLENS_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  # the standby: a base backup of the primary with standby.signal and
  # primary_conninfo written by -R, started on the next port
  if pgserver_as_pg "$pgserver_bin/pg_basebackup -h 127.0.0.1 -p $port -U postgres -D $pgserver_dir/replica -R -X stream -c fast >/dev/null 2>$pgserver_dir/basebackup.err" &&
     pgserver_as_pg "$pgserver_bin/pg_ctl -D $pgserver_dir/replica -o '-p $replica_port -k $pgserver_dir -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=200' -l $pgserver_dir/replica.log -w start >/dev/null"; then
    export BUDGETLENS_TEST_PG_REPLICA="postgres://postgres@127.0.0.1:$replica_port/postgres?sslmode=disable"
  else
    echo "pgserver: the streaming replica did not start (see $pgserver_dir/basebackup.err, replica.log); replica tests will fail under CI" >&2
  fi
}

pgserver_stop() {
  [ -n "${pgserver_dir:-}" ] || return 0
  pgserver_as_pg "$pgserver_bin/pg_ctl -D $pgserver_dir/replica -m immediate stop" >/dev/null 2>&1 || true
  pgserver_as_pg "$pgserver_bin/pg_ctl -D $pgserver_dir/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$pgserver_dir"
}
