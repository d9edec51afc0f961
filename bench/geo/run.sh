#!/usr/bin/env bash
# bench/geo/run.sh — point-in-polygon assignment: budgetlens against PostGIS and
# geopandas in one run.
#
# For each layer (the 99 current neighbourhood councils, the 114 LA Times
# neighbourhoods) and each size (1M and 10M seeded random points over Los
# Angeles' extent) it measures:
#   join only   budgetlens: Locate on points held in memory (bench/geo -join),
#               1 and 2 goroutines; PostGIS: CREATE TABLE AS ... JOIN ... ON
#               ST_Contains with GiST indexes on both tables, one core
#               (max_parallel_workers_per_gather=0) and two (=1 extra worker).
#   end to end  CSV in, assignments CSV out: `budgetlens geo assign` with
#               --workers 1 and 2; PostGIS: \copy in, build points, join,
#               \copy out, in one psql session; geopandas: read_csv,
#               points_from_xy, sjoin, to_csv (only up to $GEOPANDAS_MAX points,
#               default 1M, as 10M takes minutes and gigabytes).
# It reports nanoseconds per point, peak memory (maximum resident set size;
# PostGIS's is the server's and is not measured) and the ratios.
#
# Usage: bench/geo/run.sh            (sizes from $SIZES, default "1000000 10000000")
# Needs: go, psql + PostgreSQL 15 + PostGIS 3 (a private server is started
# unless $BUDGETLENS_TEST_PG is set), /usr/bin/time; geopandas optional.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
SIZES=${SIZES:-"1000000 10000000"}
GEOPANDAS_MAX=${GEOPANDAS_MAX:-1000000}
work=$(mktemp -d /tmp/geobench.XXXXXX)
pgpid=""
cleanup() {
  if [ -n "${pgdir:-}" ]; then as_pg "$pgbin/pg_ctl -D $pgdir/data -m immediate stop" >/dev/null 2>&1 || true; fi
  rm -rf "$work" "${pgdir:-/nonexistent}"
}
trap cleanup EXIT

data() { if [ -f "testdata/$1" ]; then echo "$root/testdata/$1"; else echo "$root/../shared/data/$1"; fi; }
layers=("nc|$(data la/boundaries/neighborhood_councils_2025.geojson)|Name"
        "hoods|$(data la/boundaries/neighborhoods_latimes_city.geojson)|name")

go build -o "$work/budgetlens" ./cmd/budgetlens
go build -o "$work/geobench" ./bench/geo

pgbin=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if [ -z "${BUDGETLENS_TEST_PG:-}" ]; then
  pgdir=$(mktemp -d /tmp/geobench-pg.XXXXXX); chown postgres "$pgdir" 2>/dev/null || true
  port=${GEOBENCH_PG_PORT:-55439}
  as_pg "$pgbin/initdb -D $pgdir/data -A trust -U postgres >/dev/null"
  as_pg "$pgbin/pg_ctl -D $pgdir/data -o '-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=256MB -c work_mem=256MB' -l $pgdir/log -w start >/dev/null"
  BUDGETLENS_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
fi
PG=$BUDGETLENS_TEST_PG
pg() { psql "$PG" -X -q -v ON_ERROR_STOP=1 "$@"; }
pg -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
chmod 755 "$work"

# Debian's python3-geopandas lives in /usr/bin/python3 (a pyenv python3 on
# PATH may not see it).
PY=${PYTHON:-/usr/bin/python3}
have_gpd=0
"$PY" -c "import geopandas" 2>/dev/null && have_gpd=1

# ms from psql \timing output ("Time: 123.456 ms" lines): the last one.
last_ms() { grep -o 'Time: [0-9.]*' | tail -1 | awk '{print $2}'; }
# time -f "%e %M": wall seconds and max RSS (KB)
timed() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr"; exit 1; }; cat "$work/time"; }
ns() { awk -v s="$1" -v n="$2" 'BEGIN{printf "%.1f", s*1e9/n}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.1f", a/b; else print "-"}'; }

echo "# bench/geo — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(go version | awk '{print $3}'), $(pg -At -c 'SELECT postgis_lib_version()' | head -1) PostGIS"
echo
printf "| layer | points | engine | cores | join ns/pt | end-to-end ns/pt | peak MB |\n|---|---|---|---|---|---|---|\n"
summary=""
for spec in "${layers[@]}"; do
  IFS='|' read -r lname lfile lid <<<"$spec"
  "$work/budgetlens" --db "$work/b.duckdb" geo import --layer "$lname" --id-field "$lid" "$lfile" >/dev/null
  "$work/geobench" -sql "$lname" -layer "$lfile" -id-field "$lid" | pg >/dev/null
  for n in $SIZES; do
    [ "$n" -gt 0 ] || continue # SIZES=0: the zigzag only
    pts="$work/pts$n.csv"
    [ -f "$pts" ] || "$work/geobench" -gen "$n" -seed 1 >"$pts"
    # budgetlens, join only
    jb=$("$work/geobench" -join "$n" -layer "$lfile" -id-field "$lid" -workers 1,2)
    bj1=$(echo "$jb" | awk '/workers=1 /{for(i=1;i<=NF;i++) if($i ~ /^ns\/point=/){split($i,a,"="); print a[2]}}')
    bj2=$(echo "$jb" | awk '/workers=2 /{for(i=1;i<=NF;i++) if($i ~ /^ns\/point=/){split($i,a,"="); print a[2]}}')
    # budgetlens, end to end
    read -r be1 bm1 <<<"$(timed "$work/budgetlens" --db "$work/b.duckdb" geo assign --layer "$lname" --in "$pts" --out "$work/out-bl.csv" --workers 1)"
    read -r be2 bm2 <<<"$(timed "$work/budgetlens" --db "$work/b.duckdb" geo assign --layer "$lname" --in "$pts" --out "$work/out-bl.csv" --workers 2)"
    # PostGIS: end to end in one session, with the join timed inside it.
    pgrun() {
      local par=$1
      cat <<SQL
\\timing off
SET max_parallel_workers_per_gather = $par;
DROP TABLE IF EXISTS pts, ptsg, res;
CREATE UNLOGGED TABLE pts (id bigint, lon float8, lat float8);
\\copy pts FROM '$pts' WITH (FORMAT csv, HEADER)
CREATE UNLOGGED TABLE ptsg AS SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom FROM pts;
CREATE INDEX ON ptsg USING gist (geom);
ANALYZE ptsg;
\\timing on
CREATE UNLOGGED TABLE res AS SELECT p.id, n.pos, n.id AS area_id FROM ptsg p JOIN $lname n ON ST_Contains(n.geom, p.geom);
\\timing off
\\copy (SELECT p.id, r.area_id FROM pts p LEFT JOIN (SELECT DISTINCT ON (id) id, area_id FROM res ORDER BY id, pos) r USING (id) ORDER BY p.id) TO '$work/out-pg.csv' WITH (FORMAT csv, HEADER)
SQL
    }
    t0=$(date +%s.%N); pj1=$(pgrun 0 | pg 2>&1 | last_ms); t1=$(date +%s.%N)
    pe1=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')
    t0=$(date +%s.%N); pj2=$(pgrun 1 | pg 2>&1 | last_ms); t1=$(date +%s.%N)
    pe2=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')
    # Agreement of the two outputs (rows whose area differs).
    diff_rows=$(paste -d, "$work/out-bl.csv" "$work/out-pg.csv" | awk -F, 'NR>1 && $2!=$4 {d++} END{print d+0}')
    printf "| %s | %d | budgetlens | 1 | %s | %s | %d |\n" "$lname" "$n" "$bj1" "$(ns "$be1" "$n")" $((bm1/1024))
    printf "| %s | %d | budgetlens | 2 | %s | %s | %d |\n" "$lname" "$n" "$bj2" "$(ns "$be2" "$n")" $((bm2/1024))
    printf "| %s | %d | PostGIS | 1 | %s | %s | server |\n" "$lname" "$n" "$(ns "$(awk -v m="$pj1" 'BEGIN{print m/1000}')" "$n")" "$(ns "$pe1" "$n")"
    printf "| %s | %d | PostGIS | 2 | %s | %s | server |\n" "$lname" "$n" "$(ns "$(awk -v m="$pj2" 'BEGIN{print m/1000}')" "$n")" "$(ns "$pe2" "$n")"
    gline=""
    if [ "$have_gpd" = 1 ] && [ "$n" -le "$GEOPANDAS_MAX" ]; then
      read -r ge gm <<<"$(timed "$PY" bench/geo/geopandas_assign.py "$lfile" "$lid" "$pts" "$work/out-gpd.csv")"
      printf "| %s | %d | geopandas | 1 | - | %s | %d |\n" "$lname" "$n" "$(ns "$ge" "$n")" $((gm/1024))
      gline=", geopandas end to end $(ratio "$ge" "$be1")x slower than budgetlens (1 core)"
    fi
    summary+="- $lname, $n points: join alone PostGIS/budgetlens per core = $(ratio "$(awk -v m="$pj1" -v n="$n" 'BEGIN{print m*1e6/n}')" "$bj1")x; end to end PostGIS/budgetlens = $(ratio "$pe1" "$be1")x (1 core), $(ratio "$pe2" "$be2")x (2 cores)$gline; assignments differing from PostGIS: $diff_rows of $n (expected only for points exactly on a boundary: PostGIS counts them in every area they touch, budgetlens in the one east/north of them)
"
  done
done
# The pathological ring of issue 14: one area whose ring zigzags through
# $ZIGZAG (default 100,000) vertices, every edge spanning the ring's height,
# and $ZIGZAG_POINTS (default 10,000: PostGIS takes about 0.1 s a point on
# this ring) random points over its bounding box. budgetlens: index build and
# Locate on points in memory (join only, 1 core, the same distribution), and
# `geo assign` of the points CSV end to end; PostGIS: the join with
# ST_Contains and a GiST index on the points, one core. The points found
# inside by `geo assign` and by PostGIS are compared one by one.
ZIGZAG=${ZIGZAG:-100000}
if [ "$ZIGZAG" -gt 0 ]; then
  zig="$work/zigzag.geojson"; zpts="$work/zigpts.csv"; zbox=-118.5,33.95,-118.2,34.2; zn=${ZIGZAG_POINTS:-10000}
  "$work/geobench" -zigzag "$ZIGZAG" >"$zig"
  "$work/geobench" -gen $zn -seed 2 -box=$zbox >"$zpts"
  "$work/geobench" -sql zig -layer "$zig" -id-field id | pg >/dev/null
  zb=$("$work/geobench" -join 1000000 -seed 2 -layer "$zig" -id-field id -box=$zbox -workers 1)
  zbuild=$(echo "$zb" | awk '/^index:/{print $(NF-1)}')
  zj=$(echo "$zb" | awk '/workers=1 /{for(i=1;i<=NF;i++) if($i ~ /^ns\/point=/){split($i,a,"="); print a[2]}}')
  read -r zi zm <<<"$(timed "$work/budgetlens" --db "$work/b.duckdb" geo import --layer zig --id-field id "$zig")"
  read -r za zam <<<"$(timed "$work/budgetlens" --db "$work/b.duckdb" geo assign --layer zig --in "$zpts" --out "$work/zig-bl.csv" --workers 1)"
  awk -F, 'NR>1 && $2!="" {print $1}' "$work/zig-bl.csv" | sort >"$work/zig-bl.txt"
  zpg=$(cat <<SQL | pg 2>&1 | last_ms
\\timing off
SET max_parallel_workers_per_gather = 0;
DROP TABLE IF EXISTS zpts, zptsg, zres;
CREATE UNLOGGED TABLE zpts (id bigint, lon float8, lat float8);
\\copy zpts FROM '$zpts' WITH (FORMAT csv, HEADER)
CREATE UNLOGGED TABLE zptsg AS SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom FROM zpts;
CREATE INDEX ON zptsg USING gist (geom);
ANALYZE zptsg;
\\timing on
CREATE UNLOGGED TABLE zres AS SELECT p.id FROM zptsg p JOIN zig z ON ST_Contains(z.geom, p.geom);
\\timing off
\\copy (SELECT id FROM zres) TO '$work/zig-pg.txt'
SQL
)
  sort -o "$work/zig-pg.txt" "$work/zig-pg.txt"
  zdiff=$(comm -3 "$work/zig-bl.txt" "$work/zig-pg.txt" | wc -l)
  echo
  echo "Zigzag ring of $ZIGZAG vertices ($(wc -c <"$zig") bytes of GeoJSON), points over its box:"
  echo "| engine | index build ms | join ns/pt (1 core) | end to end (import / assign of $zn points) | points inside of $zn |"
  echo "|---|---|---|---|---|"
  echo "| budgetlens | $zbuild | $zj (1M points) | $zi s, $((zm/1024)) MB / $za s, $((zam/1024)) MB | $(wc -l <"$work/zig-bl.txt") |"
  echo "| PostGIS | (GiST on points) | $(ns "$(awk -v m="$zpg" 'BEGIN{print m/1000}')" $zn) ($zn points) | - | $(wc -l <"$work/zig-pg.txt") |"
  summary+="- zigzag ring of $ZIGZAG vertices: join alone PostGIS/budgetlens per core = $(ratio "$(awk -v m="$zpg" -v n=$zn 'BEGIN{print m*1e6/n}')" "$zj")x; points inside that differ between geo assign and PostGIS: $zdiff of $zn
"
fi

[ "$have_gpd" = 1 ] || echo "(geopandas not installed: apt-get install python3-geopandas)"
echo
echo "Ratios (higher is better for budgetlens):"
printf "%s" "$summary"
