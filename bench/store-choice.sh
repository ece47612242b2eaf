#!/usr/bin/env bash
# Embedded history store choice: SQLite (xerial, WAL, synchronous=FULL, as the coordinator ships
# it), H2 (MVStore) and DuckDB side by side on the coordinator's history workload, in one run, on
# local files only (no network).
#
#   bench/store-choice.sh [--runs N] [--events N] [--batch N] [--insert rows|batch] [--limit S]
#                         [--no-build]
#
#   --runs N             runs (default 3); each run measures every engine once, each in a fresh
#                        JVM with -Xmx384m (the coordinator's bench heap) on a fresh directory, the
#                        engines' order rotated from one run to the next; medians are printed
#   --events N           events ingested per engine and run (default 1000000)
#   --batch N            events per transaction (default 500); --events must be >= 10 batches
#   --insert rows|batch  how a batch is sent: one multi-row INSERT/MERGE per batch for every engine
#                        (default), or a JDBC batch of one-row statements as SqlHistoryStore sends
#                        them (DuckDB runs each of those on its own: ~550 events/s here)
#   --limit S            seconds one engine's JVM may take before it is stopped and counted as
#                        failed (default 120 + events / 200)
#   --no-build           use bench/store-choice/target/store-choice.jar as it is
#
# Each JVM runs bench/store-choice/src/main/java/io/fleetrotate/bench/StoreChoice.java (its comment
# says exactly what is measured): the product's essential schema (events with the event id as
# primary key; indexes on time, node, group and path; a partial index for unusual results where the
# engine has them), deterministic events (seeded UUIDs, 10,000 nodes, 20 groups, 3 files per node,
# 30 days in time order, 2% FAILED, ~450-byte JSON bodies), ingest in transactions of --batch with
# each engine's dedup idiom (INSERT OR IGNORE / MERGE ... WHEN NOT MATCHED / ON CONFLICT DO
# NOTHING), a dedup check (the first batch sent again must not change the count; a failure fails
# the bench), 100 samples (after 10 untimed) of three queries, heap after GC and RSS after ingest
# and after the queries, and the size of the database files open and after close.
#
# Durability, each commit made durable as each engine allows (checked with
#   strace -f -y -e trace=fsync,fdatasync java -jar bench/store-choice/target/store-choice.jar ...
# on 5,000 events: one fsync per commit of history.db-wal, history.mv.db, history.duckdb.wal):
#   sqlite  WAL, synchronous=FULL, 16 KiB pages, 64 MiB page cache (as SqlHistoryStore)
#   h2      WRITE_DELAY=0 and CHECKPOINT SYNC after each commit (H2's default, a 500 ms write
#           delay and no fsync, would not be durable); CACHE_SIZE 64 MiB, on the Java heap
#   duckdb  its WAL, fsynced at each commit (no setting turns it off); default memory_limit
# Each engine prints its durability line; they are repeated under the table.
#
# Needs: java 17+, python3 (medians). Builds the bench jar (Maven, under the shared build lock when
# there is one: FLEETROTATE_BUILD_LOCK, default /tmp/fleetrotate-build.lock). Nothing else heavy
# should run meanwhile: the load average at start and end is printed. Bounded: each JVM is stopped
# after --limit seconds. A default run ingests 9M events in all: at the rates of a 50,000-event
# smoke test that is about 10 minutes, more if an engine slows down as its history grows.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3
EVENTS=1000000
BATCH=500
INSERT=rows
LIMIT=
BUILD=1
ENGINES=(sqlite h2 duckdb)

need() { [ $# -ge 2 ] || { echo "store-choice: $1 needs a value; see --help" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) need "$@"; RUNS=$2; shift 2 ;;
    --events) need "$@"; EVENTS=$2; shift 2 ;;
    --batch) need "$@"; BATCH=$2; shift 2 ;;
    --insert) need "$@"; INSERT=$2; shift 2 ;;
    --limit) need "$@"; LIMIT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "store-choice: unknown option $1; see --help" >&2; exit 2 ;;
  esac
done
for pair in "--runs:$RUNS" "--events:$EVENTS" "--batch:$BATCH" "--limit:${LIMIT:-1}"; do
  [[ "${pair#*:}" =~ ^[1-9][0-9]{0,11}$ ]] \
    || { echo "store-choice: ${pair%%:*} \"${pair#*:}\" is not a count; give a whole number >= 1" >&2; exit 2; }
done
[ "$EVENTS" -ge $((10 * BATCH)) ] \
  || { echo "store-choice: --events $EVENTS is fewer than 10 batches of $BATCH; the last-10% rate needs at least 10 batches" >&2; exit 2; }
case "$INSERT" in
  rows|batch) ;;
  *) echo "store-choice: --insert is rows or batch, not $INSERT" >&2; exit 2 ;;
esac
[ "$INSERT" = batch ] || [ "$BATCH" -le 4000 ] \
  || { echo "store-choice: --batch $BATCH is above 4000, and SQLite takes at most 32766 parameters (7 per event) in one statement; use --insert batch for larger batches" >&2; exit 2; }
LIMIT=${LIMIT:-$((120 + EVENTS / 200))}
for tool in java python3 timeout; do
  command -v "$tool" >/dev/null || { echo "store-choice: $tool is missing" >&2; exit 1; }
done

JAR=$ROOT/bench/store-choice/target/store-choice.jar
if [ "$BUILD" = 1 ]; then
  # Builds take the shared build lock when there is one (FLEETROTATE_BUILD_LOCK, default
  # /tmp/fleetrotate-build.lock), so that they queue behind other builds on the same machine.
  LOCK=${FLEETROTATE_BUILD_LOCK:-/tmp/fleetrotate-build.lock}
  LOCKED=()
  if command -v flock >/dev/null && [ -d "$(dirname "$LOCK")" ]; then LOCKED=(flock "$LOCK"); fi
  echo "store-choice: building the bench${LOCKED:+ (under $LOCK)}" >&2
  # The SQLite driver measured is the one the coordinator ships: its version from the root pom.
  sqlite_version=$(sed -n 's:.*<sqlite-jdbc.version>\(.*\)</sqlite-jdbc.version>.*:\1:p' "$ROOT/pom.xml" | head -1)
  [ -n "$sqlite_version" ] || { echo "store-choice: the root pom.xml names no sqlite-jdbc.version" >&2; exit 1; }
  (cd "$ROOT" && "${LOCKED[@]}" ./mvnw -B -q -f bench/store-choice/pom.xml \
    -Dsqlite-jdbc.version="$sqlite_version" package) >&2
fi
[ -f "$JAR" ] || { echo "store-choice: $JAR is missing; run without --no-build" >&2; exit 1; }

WORK=$(mktemp -d /tmp/fleetrotate-store-choice.XXXXXX)
CHILD=
cleanup() {
  # timeout runs in a process group of its own (terminal signals miss it): stop it here; it passes
  # the signal on to its JVM.
  if [ -n "$CHILD" ]; then kill "$CHILD" 2>/dev/null || true; wait "$CHILD" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "# fleetrotate embedded store choice: SQLite vs H2 vs DuckDB"
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $EVENTS events per engine and run, batches of $BATCH (--insert $INSERT), $RUNS run(s), -Xmx384m, each JVM stopped after $LIMIT s"

FAILED=()
for run in $(seq 1 "$RUNS"); do
  # Rotated order: run 1 sqlite h2 duckdb, run 2 h2 duckdb sqlite, run 3 duckdb sqlite h2, ...
  order=()
  for k in 0 1 2; do order+=("${ENGINES[$(((run - 1 + k) % 3))]}"); done
  for engine in "${order[@]}"; do
    dir=$WORK/run$run-$engine
    mkdir -p "$dir"
    echo "store-choice: run $run/$RUNS, $engine ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" >&2
    rc=0
    # The JVM's own watchdog stops it after LIMIT s (exit 3); timeout is the backstop.
    timeout --kill-after=10 $((LIMIT + 30)) java -Xmx384m -jar "$JAR" --engine "$engine" --dir "$dir/db" \
      --events "$EVENTS" --batch "$BATCH" --insert "$INSERT" --max-seconds "$LIMIT" >"$WORK/run$run-$engine.out" &
    CHILD=$!
    wait "$CHILD" || rc=$?
    CHILD=
    if [ "$rc" -ne 0 ]; then
      case "$rc" in
        1) why="exit 1 (the dedup check failed, or an error: see above)" ;;
        3|124|137) why="not done within $LIMIT s (--limit)" ;;
        *) why="exit $rc (see above)" ;;
      esac
      echo "store-choice: $engine failed in run $run: $why" >&2
      FAILED+=("$engine run $run: $why")
    fi
    echo "rc $rc" >>"$WORK/run$run-$engine.out"
    # At 1M events a database takes up to a few GB: each goes once it is measured.
    rm -rf "$dir"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

python3 - "$WORK" "$RUNS" <<'PY'
import glob, os, re, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
engines = ["sqlite", "h2", "duckdb"]
out = {}  # (engine, run) -> {key: value}
for path in glob.glob(os.path.join(work, "run*-*.out")):
    m = re.match(r"run(\d+)-(\w+)\.out$", os.path.basename(path))
    kv = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        key, _, value = line.rstrip("\n").partition(" ")
        kv[key] = value
    out[(m.group(2), int(m.group(1)))] = kv

measures = [
    ("ingest, events/s (whole)", "ingest_events_per_s"),
    ("ingest, events/s (last 10%, at full size)", "ingest_last10_events_per_s"),
    ("newest page (100), p50 ms", "query_newest_p50_ms"),
    ("newest page (100), p99 ms", "query_newest_p99_ms"),
    ("a node's newest 100, p50 ms", "query_node_p50_ms"),
    ("a node's newest 100, p99 ms", "query_node_p99_ms"),
    ("a node's newest 100 FAILED, p50 ms", "query_node_failed_p50_ms"),
    ("a node's newest 100 FAILED, p99 ms", "query_node_failed_p99_ms"),
    ("heap after GC, MiB (after ingest)", "heap_after_gc_mib_after_ingest"),
    ("heap after GC, MiB (after queries)", "heap_after_gc_mib_after_queries"),
    ("RSS, MiB (after ingest)", "rss_mib_after_ingest"),
    ("RSS, MiB (after queries)", "rss_mib_after_queries"),
    ("database on disk, MiB (open, WAL included)", "db_mib_open"),
    ("database on disk, MiB (after close)", "db_mib_closed"),
]

def ok(engine, run):
    kv = out.get((engine, run), {})
    return kv.get("rc") == "0"

def values(engine, key):
    vals = []
    for run in range(1, runs + 1):
        v = out.get((engine, run), {}).get(key)
        if ok(engine, run) and v is not None:
            try:
                vals.append(float(v))
            except ValueError:
                pass
    return vals

def fmt(x):
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}" if abs(x) < 1 else f"{x:.1f}"

done = {e: sum(ok(e, r) for r in range(1, runs + 1)) for e in engines}
print(f"Medians over the runs that finished ({', '.join(f'{e} {done[e]}/{runs}' for e in engines)}):")
print()
print("| measure | " + " | ".join(engines) + " |")
print("|---|" + "---:|" * len(engines))
for label, key in measures:
    cells = []
    for e in engines:
        vals = values(e, key)
        cells.append(fmt(statistics.median(vals)) if vals else "n/a")
    print(f"| {label} | " + " | ".join(cells) + " |")
print()
print("Per run (ingest events/s whole / last 10%; node FAILED p99 ms; RSS after queries MiB):")
for e in engines:
    parts = []
    for run in range(1, runs + 1):
        kv = out.get((e, run), {})
        if not ok(e, run):
            parts.append(f"run {run}: failed (exit {kv.get('rc', '?')})")
            continue
        parts.append(f"run {run}: {kv.get('ingest_events_per_s')} / {kv.get('ingest_last10_events_per_s')}; "
                     f"{kv.get('query_node_failed_p99_ms')}; {kv.get('rss_mib_after_queries')}")
    print(f"- {e}: " + "; ".join(parts))
print()
for e in engines:
    first = next((out[(e, r)] for r in range(1, runs + 1) if (e, r) in out and "durability" in out[(e, r)]), {})
    dedup = [out.get((e, r), {}).get("dedup_ok") for r in range(1, runs + 1)]
    print(f"{e}: {first.get('engine_version', '?')}")
    print(f"  durability: {first.get('durability', '?')}")
    print(f"  cache: {first.get('cache', '?')}")
    print(f"  unusual-result index: {first.get('node_failed_index', '?')}")
    print(f"  dedup (first batch sent again, count unchanged): "
          + ", ".join(f"run {r}: {'ok' if d == 'true' else 'FAILED' if d == 'false' else 'not reached'}"
                      for r, d in enumerate(dedup, 1)))
    print(f"  body bytes (avg): {first.get('body_bytes_avg', '?')}; insert: {first.get('insert_sql', '?')[:160]}")
    for q in ("newest", "node", "node_failed"):
        print(f"  plan {q}: {first.get('plan_' + q, '?')[:300]}")
PY

if [ "${#FAILED[@]}" -gt 0 ]; then
  echo
  echo "FAILED:"
  for f in "${FAILED[@]}"; do echo "- $f"; done
  exit 1
fi
