#!/usr/bin/env bash
# The coordinator at fleet scale (issue 15), loopback only.
#
#   bench/fleet-scale.sh [--events N] [--agents N] [--runs N] [--store embedded|postgres|both]
#                        [--batch N] [--concurrency N] [--samples N] [--preload WINDOW]
#                        [--warmup N] [--jar PATH]
#
# Defaults: the issue's fleet, 10,000 agents and 30 days of back-dated history (21,600,000 events:
# 3 logs per agent rotating hourly), 3 runs, both stores. A full run is long (the events are
# ingested runs x stores times); --events 1000000 --runs 1 takes a few minutes.
#
# Each run starts a fresh coordinator.jar with -Xmx384m (no Hazelcast member) on an empty store:
# the embedded SQLite store, or a PostgreSQL started here the way test-support's PostgresServer
# does (initdb in a temporary directory, loopback, a free port; as the postgres user when run as
# root). bench/fleet/FleetLoad.java first registers every agent with a heartbeat, then posts the
# back-dated events in agent-sized batches (--batch, --concurrency in flight) while the agents go
# on sending heartbeats every 15 s (3 files each). At 1M, 5M and all events (those below the
# total): heap after GC (jcmd GC.run, then GC.heap_info), RSS (/proc/PID/status VmRSS), and the
# p50/p99 over --samples sequential requests of: the newest page of /api/v1/rotations, a node
# filter, node plus result=FAILED, /api/v1/fleet, /metrics. Then the same batches are posted to a
# no-op endpoint (bench/api/NoopServer.java, the bench's own server: token check and body read,
# no work), as the ceiling the machine allows. Figures are medians over the runs.
#
# --preload WINDOW: at full size all-HTTP ingest takes ~20 min per store per run, so the bulk goes
# in without HTTP. Before each checkpoint C the coordinator is stopped and the events up to
# C - WINDOW are preloaded by FleetLoad.java preload: the same JSON, decoded by the coordinator's
# WireCodec and appended through its SqlHistoryStore (dedup by id, every index, group commit,
# fsync) in batches of 10,000, 8 in flight. Then the coordinator starts on that store (its restart
# time is printed: it counts the history from summary tables), every agent registers again, and the
# last WINDOW events before C go over HTTP as above: the ingest figure is that window's rate at
# that history size. The preload rate is printed as preload_events_per_s.
#
# --warmup N (with --preload): the coordinator was just restarted, so the HTTP window measures a
# cold JVM, with the JIT compiling the ingest path through it (the C2 thread took 30-55% of a core
# in such windows). A coordinator in service runs for days. With --warmup, N more events are taken
# from the preload and posted over HTTP first, untimed for the ingest figure but recorded as
# http_cold_events_per_s; then the WINDOW events are timed as http_ingest_events_per_s, warm.
#
# CPU per event: every timed HTTP window also prints coordinator_cpu_us_per_event (the
# coordinator's utime + stime from /proc/PID/stat over the window, per event; for the no-op
# server, its own) and client_cpu_us_per_event (the load generator's own CPU over the window);
# cold_* are the warm-up window's. On two shared cores these vary less with the machine's load than
# events/s does. coordinator_written_kib_per_event: what the coordinator passed to write calls over
# the timed window (/proc/PID/io wchar) per event, nearly all of it the store's WAL and checkpoints.
# In a real fleet the agents run on other hosts, so the load generator should take as little of
# the coordinator's two cores as it can: FleetLoad builds each window's request
# bodies as bytes before the clock starts and counts the ids in each ack as bytes (until
# 2026-12-03 it built every batch's JSON, with Instant.toString and String.format, inside the
# timed loop and read each ack as a String). See README, "Fleet scale", for the cost before/after.
#
# --jar PATH: the coordinator.jar to measure (default coordinator/target/coordinator.jar), so an
# older build runs under this FleetLoad: before and after, side by side.
# Needs: java 17+ with jcmd, curl, python3; for postgres: Debian's postgresql (initdb, postgres).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVENTS=21600000
AGENTS=10000
RUNS=3
STORES=both
BATCH=500
CONCURRENCY=8
SAMPLES=200
PRELOAD=0
WARMUP=0
JAR=
PORT=${BENCH_PORT:-18440}
NOOP_PORT=${BENCH_NOOP_PORT:-18449}
PG_PORT=${BENCH_PG_PORT:-18454}
while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS=$2; shift 2 ;;
    --agents) AGENTS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --store) STORES=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --samples) SAMPLES=$2; shift 2 ;;
    --preload) PRELOAD=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --jar) JAR=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "fleet-scale: unknown option $1; see --help" >&2; exit 2 ;;
  esac
done
for n in "$EVENTS" "$AGENTS" "$RUNS" "$BATCH" "$CONCURRENCY" "$SAMPLES"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "fleet-scale: \"$n\" is not a count; give a whole number >= 1" >&2; exit 2; }
done
[ "$PRELOAD" = 0 ] || [[ "$PRELOAD" =~ ^[1-9][0-9]*$ ]] \
  || { echo "fleet-scale: --preload \"$PRELOAD\" is not a count; give the HTTP window in events, e.g. 200000" >&2; exit 2; }
[ "$WARMUP" = 0 ] || { [[ "$WARMUP" =~ ^[1-9][0-9]*$ ]] && [ "$PRELOAD" != 0 ]; } \
  || { echo "fleet-scale: --warmup \"$WARMUP\" is not a count, or is given without --preload; give the untimed HTTP events before each window, e.g. 200000, with --preload" >&2; exit 2; }
[ "$BATCH" -le 10000 ] || { echo "fleet-scale: --batch $BATCH is above the coordinator's 10000 events per POST" >&2; exit 2; }
case "$STORES" in
  embedded|postgres) ;;
  both) STORES="embedded postgres" ;;
  *) echo "fleet-scale: --store is embedded, postgres or both, not $STORES" >&2; exit 2 ;;
esac
for tool in java jcmd curl python3; do
  command -v "$tool" >/dev/null || { echo "fleet-scale: $tool is missing" >&2; exit 1; }
done
PG_BIN=
if [[ " $STORES " == *" postgres "* ]]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] \
    || { echo "fleet-scale: PostgreSQL is not installed (apt-get install postgresql), or use --store embedded" >&2; exit 1; }
fi

if [ -n "$JAR" ]; then
  [ -f "$JAR" ] || { echo "fleet-scale: --jar $JAR is not a file; give a coordinator.jar" >&2; exit 2; }
  JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
else
  JAR=$ROOT/coordinator/target/coordinator.jar
  [ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl coordinator -am package)
fi
WORK=${BENCH_WORK:-/tmp/fleetrotate-fleet-scale}
rm -rf "$WORK"; mkdir -p "$WORK"
AGENT=bench-agent-token-0123456789
ADMIN=bench-admin-token-0123456789
# FleetLoad.java compiles against coordinator.jar (its preload command uses the store).
LOAD=(java -Xmx512m -cp "$JAR" "$ROOT/bench/fleet/FleetLoad.java")
PRELOADER=(java -Xmx2g -cp "$JAR" -Dfleetrotate.log.level=WARN "$ROOT/bench/fleet/FleetLoad.java" preload)
RESULTS=$WORK/results.txt
: >"$RESULTS"
EPOCH_MS=$(($(date +%s) * 1000))

PIDS=()
PG_DIR=
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -z "$PG_DIR" ] || pg_stop
}
trap cleanup EXIT

as_pg() { if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
pg_start() {
  PG_DIR=$(mktemp -d /tmp/fleetrotate-bench-pg-XXXXXX)
  mkdir -p "$PG_DIR/data"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$PG_DIR"
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U fleetrotate --auth=trust -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log"; exit 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=50" >/dev/null \
    || { cat "$PG_DIR/postgres.log"; exit 1; }
}
pg_stop() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; PG_DIR=; }

pg_url() { echo "jdbc:postgresql://127.0.0.1:$PG_PORT/bench$1"; }
start_coordinator() { # store run -> sets PID and STARTED_S
  local store=$1 run=$2 dir=$WORK/$1-$2
  mkdir -p "$dir/store"
  local store_yaml="{ dir: $dir/store, retention: 31d }"
  if [ "$store" = postgres ]; then
    store_yaml="{ type: postgres, dir: $dir/store, retention: 31d, url: \"jdbc:postgresql://127.0.0.1:$PG_PORT/bench$run\", user: fleetrotate }"
  fi
  cat >"$dir/coordinator.yaml" <<YAML
http: { bind: 127.0.0.1, port: $PORT }
auth: { agentTokens: ["$AGENT"], adminTokens: ["$ADMIN"], openMetrics: false }
hazelcast: { enabled: false }
store: $store_yaml
limits: { maxNodes: $((AGENTS > 10000 ? AGENTS : 10000)) }
YAML
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS: extra JVM options, e.g. a JFR recording
  java -Xmx384m ${BENCH_JAVA_OPTS:-} -Dfleetrotate.log.level=WARN -jar "$JAR" run --config "$dir/coordinator.yaml" >"$dir/coordinator.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  local t0=$SECONDS
  # A coordinator restarted on a big history opens it (and migrates an older schema) before it listens.
  for _ in $(seq 1 9000); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && { STARTED_S=$((SECONDS - t0)); return 0; }
    kill -0 "$PID" 2>/dev/null || { echo "fleet-scale: the coordinator did not start:"; cat "$dir/coordinator.log"; exit 1; }
    sleep 0.2
  done
  echo "fleet-scale: the coordinator did not answer /health in 30 min"; exit 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

record() { # store run label name value
  echo "$1 $2 $3 $4 $5" >>"$RESULTS"
}
memory() { # store run label
  jcmd "$PID" GC.run >/dev/null
  local used
  used=$(jcmd "$PID" GC.heap_info | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1)
  record "$1" "$2" "$3" heap_after_gc_mib "$(python3 -c "print('%.1f' % ($used / 1024))")"
  record "$1" "$2" "$3" rss_mib "$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status")"
}
checkpoints() {
  for c in 1000000 5000000; do [ "$c" -lt "$EVENTS" ] && echo "$c"; done
  echo "$EVENTS"
}
label() { python3 -c "import sys; n=int(sys.argv[1]); print(('%gM' % (n/1e6)) if n >= 1000000 else ('%gk' % (n/1e3)))" "$1"; }

run_store() { # store run
  local store=$1 run=$2 from=0 register=--register seconds_total=0
  [ "$store" != postgres ] || { pg_start; as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U fleetrotate "bench$run"; }
  [ "$PRELOAD" != 0 ] || start_coordinator "$store" "$run"
  for to in $(checkpoints); do
    local out at
    at=$(label "$to")
    if [ "$PRELOAD" != 0 ]; then
      local bulk=$((to - PRELOAD - WARMUP > from ? to - PRELOAD - WARMUP : from)) where=$WORK/$store-$run/store
      [ "$store" = embedded ] || where=$(pg_url "$run")
      if [ "$bulk" -gt "$from" ]; then
        out=$("${PRELOADER[@]}" "$store" "$where" --agents "$AGENTS" --from "$from" --to "$bulk" \
          --total "$EVENTS" --epoch-ms "$EPOCH_MS" --batch 10000 --concurrency 8 2>"$WORK/preload.log") \
          || { echo "fleet-scale: the preload failed:"; tail -20 "$WORK/preload.log"; exit 1; }
        record "$store" "$run" "$at" preload_events_per_s "$(echo "$out" | awk '/^events_per_s/ {print $2}')"
        echo "$store run $run: preloaded $from..$bulk ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" >&2
        from=$bulk
      fi
      start_coordinator "$store" "$run"
      record "$store" "$run" "$at" restart_s "$STARTED_S"
      register=--register
      local warm=$((to - PRELOAD > from ? to - PRELOAD : from))
      if [ "$warm" -gt "$from" ]; then
        out=$("${LOAD[@]}" ingest "http://127.0.0.1:$PORT/api/v1/events" "$AGENT" --agents "$AGENTS" \
          --from "$from" --to "$warm" --total "$EVENTS" --epoch-ms "$EPOCH_MS" --batch "$BATCH" \
          --concurrency "$CONCURRENCY" --heartbeats "http://127.0.0.1:$PORT/api/v1/heartbeats" --register \
          --pid "$PID")
        record "$store" "$run" "$at" http_cold_events_per_s "$(echo "$out" | awk '/^events_per_s/ {print $2}')"
        record "$store" "$run" "$at" cold_coordinator_cpu_us_per_event "$(echo "$out" | awk '/^coordinator_cpu_us_per_event/ {print $2}')"
        record "$store" "$run" "$at" cold_client_cpu_us_per_event "$(echo "$out" | awk '/^client_cpu_us_per_event/ {print $2}')"
        register=
        from=$warm
      fi
    fi
    out=$("${LOAD[@]}" ingest "http://127.0.0.1:$PORT/api/v1/events" "$AGENT" --agents "$AGENTS" \
      --from "$from" --to "$to" --total "$EVENTS" --epoch-ms "$EPOCH_MS" --batch "$BATCH" \
      --concurrency "$CONCURRENCY" --heartbeats "http://127.0.0.1:$PORT/api/v1/heartbeats" $register \
      --pid "$PID")
    register=
    record "$store" "$run" "$at" coordinator_cpu_us_per_event "$(echo "$out" | awk '/^coordinator_cpu_us_per_event/ {print $2}')"
    record "$store" "$run" "$at" client_cpu_us_per_event "$(echo "$out" | awk '/^client_cpu_us_per_event/ {print $2}')"
    record "$store" "$run" "$at" coordinator_written_kib_per_event "$(echo "$out" | awk '/^coordinator_written_kib_per_event/ {print $2}')"
    record "$store" "$run" "$at" load_average_after_ingest "$(cut -d' ' -f1 /proc/loadavg)"
    seconds_total=$(python3 -c "print($seconds_total + $(echo "$out" | awk '/^seconds/ {print $2}'))")
    [ "$PRELOAD" = 0 ] || record "$store" "$run" "$at" http_ingest_events_per_s "$(echo "$out" | awk '/^events_per_s/ {print $2}')"
    stored=$(curl -sf -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:$PORT/health" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
    [ "$stored" -eq "$to" ] || { echo "fleet-scale: $store holds $stored events after $to were acknowledged" >&2; exit 1; }
    memory "$store" "$run" "$at"
    "${LOAD[@]}" query "http://127.0.0.1:$PORT" "$ADMIN" --agents "$AGENTS" --samples "$SAMPLES" \
      | while read -r name value; do record "$store" "$run" "$at" "$name" "$value"; done
    record "$store" "$run" "$at" load_average "$(cut -d' ' -f1 /proc/loadavg)"
    from=$to
    [ "$PRELOAD" = 0 ] || stop "$PID"
  done
  [ "$PRELOAD" != 0 ] || record "$store" "$run" all ingest_events_per_s "$(python3 -c "print('%.0f' % ($EVENTS / $seconds_total))")"
  if [ "$store" = embedded ]; then
    record "$store" "$run" all db_mib "$(du -sm "$WORK/$store-$run/store" | cut -f1)"
    # 18 GB at 21.6M: three runs' stores would not fit beside each other on many disks.
    rm -rf "$WORK/$store-$run/store"
  fi
  [ "$PRELOAD" != 0 ] || stop "$PID"
  [ "$store" != postgres ] || pg_stop
}

run_noop() { # run
  java -Xmx384m -cp "$JAR" "$ROOT/bench/api/NoopServer.java" "$NOOP_PORT" "$AGENT" >"$WORK/noop.log" 2>&1 &
  local noop=$!
  PIDS+=("$noop")
  for _ in $(seq 1 150); do
    grep -q "noop server on" "$WORK/noop.log" 2>/dev/null && break
    kill -0 "$noop" 2>/dev/null || { echo "fleet-scale: the no-op server did not start:"; cat "$WORK/noop.log"; exit 1; }
    sleep 0.2
  done
  # With --preload, the same batches as the last HTTP window.
  local from=$((PRELOAD > 0 && EVENTS > PRELOAD ? EVENTS - PRELOAD : 0))
  local out
  out=$("${LOAD[@]}" ingest "http://127.0.0.1:$NOOP_PORT/noop" "$AGENT" --agents "$AGENTS" --from "$from" \
    --to "$EVENTS" --total "$EVENTS" \
    --epoch-ms "$EPOCH_MS" --batch "$BATCH" --concurrency "$CONCURRENCY" --no-ack --pid "$noop")
  record noop "$1" all ingest_events_per_s "$(echo "$out" | awk '/^events_per_s/ {print $2}')"
  record noop "$1" all server_cpu_us_per_event "$(echo "$out" | awk '/^coordinator_cpu_us_per_event/ {print $2}')"
  record noop "$1" all client_cpu_us_per_event "$(echo "$out" | awk '/^client_cpu_us_per_event/ {print $2}')"
  stop "$noop"
}

echo "# fleetrotate fleet-scale benchmark"
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $EVENTS events over 30 days from $AGENTS agents (heartbeat every 15 s, 3 files);"
[ "$PRELOAD" = 0 ] || echo "preloaded: before each checkpoint all but the last $((PRELOAD + WARMUP)) events, written with the coordinator stopped through its WireCodec and SqlHistoryStore (dedup, indexes, group commit, fsync; no HTTP); those over HTTP"
[ "$WARMUP" = 0 ] || echo "warm-up: after each restart $WARMUP events over HTTP (http_cold_events_per_s), then the $PRELOAD timed (http_ingest_events_per_s)"
echo "coordinator: $JAR"
echo "runs: $RUNS; stores: $STORES; batches of $BATCH events, $CONCURRENCY in flight; coordinator -Xmx384m; $SAMPLES samples per query"
for run in $(seq 1 "$RUNS"); do
  for store in $STORES; do
    run_store "$store" "$run"
    echo "run $run: $store done ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
  run_noop "$run"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 - "$RESULTS" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    store, run, at, name, value = line.split()
    rows[(store, at, name)].append(float(value))
print("| store | events | measure | median | runs |")
print("|---|---|---|---:|---|")
for (store, at, name), values in rows.items():
    if name.endswith("_bytes"):
        continue
    print(f"| {store} | {at} | {name} | {statistics.median(values):g} | {' '.join('%g' % v for v in values)} |")
PY
