#!/usr/bin/env bash
# Coordinator benchmark, loopback only, bounded (about 2 minutes with the defaults).
#
#   bench/coordinator-bench.sh [--runs N] [--seconds S] [--connections C] [--nodes N] [--hazelcast]
#   bench/coordinator-bench.sh --metrics-only [--jar-before JAR] [--scrapes N] [--events N] [--nodes N]
#
# By default the embedded Hazelcast member is off; --hazelcast turns it on (one member, loopback),
# so the cost of sharing node state with the cluster is included.
# 1. Heartbeat ingest: POST /api/v1/heartbeats (decode, validate, fleet state update, reply)
#    against POST /noop on bench/api/NoopServer.java (a bare Vert.x server of the bench's own, with
#    the same token check and body handling, no work; the coordinator serves no bench route),
#    alternating runs, with wrk and a Lua script cycling through N node ids (3 files each).
#    Goals: >= 20,000 heartbeats/s and >= 0.5x the no-op rate on 2 cores.
# 2. GET /metrics with those N nodes x 3 files: median of several scrapes. Goal: <= 250 ms.
# 3. Heap per tracked node: used heap after a full GC before and after the N nodes registered
#    (jcmd GC.run + GC.heap_info). Goal: <= 4 KB per node.
# wrk runs on the same machine as the coordinator, so both share its cores; figures are medians.
# Needs: java 17+, jcmd, curl, python3, wrk (installed with apt-get if missing and run as root).
#
# --metrics-only: GET /metrics alone, side by side. A coordinator per jar (this tree's
# coordinator.jar and, with --jar-before, an older build of it, e.g. from `git worktree add`), each
# with -Xmx384m (fleet-scale's heap) and otherwise the coordinator's defaults, Hazelcast off, the
# scrape behind a token. bench/fleet/FleetLoad.java registers the same N nodes x 3 files in each by
# one heartbeat per node (20 groups), then posts --events back-dated rotation events (default 0;
# 1 in 50 fails, so a node's rotations count by result). Then, after 100 warm-up scrapes each,
# --scrapes rounds (default 50) of one
# curl scrape per jar, the jars' order swapped every round, first without and then with
# Accept-Encoding: gzip (not decompressed by curl). Prints per jar: p50 and p99 of curl's
# time_total, bytes, the coordinator process's CPU per scrape (/proc/PID/stat, GC threads
# included) and young/full collections per scrape (jstat), and after/before ratios.
# Needs: java 17+ with jstat, curl, python3; no wrk.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3
SECONDS_PER_RUN=8
CONNECTIONS=64
NODES=10000
HAZELCAST=false
METRICS_ONLY=false
JAR_BEFORE=
SCRAPES=50
EVENTS=0
PORT=${BENCH_PORT:-18420}
NOOP_PORT=${BENCH_NOOP_PORT:-18429}
HZ_PORT=${BENCH_HAZELCAST_PORT:-15701}
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --nodes) NODES=$2; shift 2 ;;
    --hazelcast) HAZELCAST=true; shift ;;
    --metrics-only) METRICS_ONLY=true; shift ;;
    --jar-before) JAR_BEFORE=$2; shift 2 ;;
    --scrapes) SCRAPES=$2; shift 2 ;;
    --events) EVENTS=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1; see --help" >&2; exit 2 ;;
  esac
done
# --metrics-only: one coordinator per jar, the same fleet in each, scrapes alternating between them.
metrics_only() {
  for tool in java jstat curl python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
  done
  [ -f "$ROOT_JAR" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl coordinator -am package)
  local work=${BENCH_WORK:-/tmp/fleetrotate-metrics-bench}
  rm -rf "$work"; mkdir -p "$work"
  local agent=bench-agent-token-0123456789 admin=bench-admin-token-0123456789
  labels=(); jars=(); pids=(); ports=()
  [ -z "$JAR_BEFORE" ] || { labels+=(before); jars+=("$JAR_BEFORE"); }
  labels+=(after); jars+=("$ROOT_JAR")
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done' EXIT
  local i
  for i in "${!labels[@]}"; do
    local dir=$work/${labels[$i]} port=$((PORT + i))
    mkdir -p "$dir/store"
    # Keys every version since the bench's first reads; the scrape needs the admin token.
    cat >"$dir/coordinator.yaml" <<YAML
http: { bind: 127.0.0.1, port: $port }
auth: { agentTokens: ["$agent"], adminTokens: ["$admin"], openMetrics: false }
hazelcast: { enabled: false }
store: { dir: $dir/store }
YAML
    java -Xmx384m -Dfleetrotate.log.level=WARN -jar "${jars[$i]}" run --config "$dir/coordinator.yaml" \
      >"$dir/coordinator.log" 2>&1 &
    pids+=("$!"); ports+=("$port")
  done
  for i in "${!labels[@]}"; do
    for _ in $(seq 1 150); do
      curl -sf "http://127.0.0.1:${ports[$i]}/health" >/dev/null 2>&1 && break
      kill -0 "${pids[$i]}" 2>/dev/null || { echo "bench: the ${labels[$i]} coordinator did not start:"; cat "$work/${labels[$i]}/coordinator.log"; exit 1; }
      sleep 0.2
    done
    java -Xmx512m -cp "$ROOT_JAR" "$ROOT/bench/fleet/FleetLoad.java" ingest \
      "http://127.0.0.1:${ports[$i]}/api/v1/events" "$agent" --agents "$NODES" --from 0 --to "$EVENTS" \
      --epoch-ms "$(($(date +%s) * 1000))" --heartbeats "http://127.0.0.1:${ports[$i]}/api/v1/heartbeats" \
      --register >/dev/null
    local tracked
    tracked=$(curl -sf -H "Authorization: Bearer $admin" "http://127.0.0.1:${ports[$i]}/api/v1/fleet" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodes"]["total"])')
    [ "$tracked" -eq "$NODES" ] || { echo "bench: the ${labels[$i]} coordinator tracks $tracked nodes, not $NODES" >&2; exit 1; }
  done
  local results=$work/results.txt
  : >"$results"
  scrape() { # index encoding -> "ms bytes"
    local headers=(-H "Authorization: Bearer $admin")
    [ "$2" = plain ] || headers+=(-H "Accept-Encoding: gzip")
    curl -sf -o /dev/null -w '%{time_total} %{size_download}\n' "${headers[@]}" "http://127.0.0.1:${ports[$1]}/metrics" \
      | awk '{printf "%.2f %d\n", $1 * 1000, $2}'
  }
  cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f\n", ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }
  collections() { # young and full collections so far
    jstat -gcutil "$1" | awk 'NR == 1 {for (c = 1; c <= NF; c++) col[$c] = c} NR == 2 {print $col["YGC"], $col["FGC"]}'
  }
  echo "# GET /metrics side by side"
  echo
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $NODES nodes x 3 files, $EVENTS events; $SCRAPES scrapes per jar and encoding; -Xmx384m"
  for i in "${!labels[@]}"; do echo "${labels[$i]}: ${jars[$i]}"; done
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  local enc round k
  for enc in plain gzip; do
    for i in "${!labels[@]}"; do for _ in $(seq 1 100); do scrape "$i" "$enc" >/dev/null; done; done # warm-up: the JIT settles
    local cpu0=() gc0=()
    for i in "${!labels[@]}"; do cpu0+=("$(cpu_ms "${pids[$i]}")"); gc0+=("$(collections "${pids[$i]}")"); done
    for round in $(seq 1 "$SCRAPES"); do
      for k in "${!labels[@]}"; do
        i=$(( round % 2 == 0 ? k : ${#labels[@]} - 1 - k ))
        echo "${labels[$i]} $enc sample $(scrape "$i" "$enc")" >>"$results"
      done
    done
    for i in "${!labels[@]}"; do
      echo "${labels[$i]} $enc cpu $(( $(cpu_ms "${pids[$i]}") - cpu0[i] ))" >>"$results"
      echo "${labels[$i]} $enc gc ${gc0[$i]} $(collections "${pids[$i]}")" >>"$results"
    done
  done
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  python3 - "$results" "$SCRAPES" "${labels[@]}" <<'PY'
import collections, math, statistics, sys
path, n, labels = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ms, size, cpu, gc = collections.defaultdict(list), {}, {}, {}
for line in open(path):
    f = line.split()
    key = (f[0], f[1])
    if f[2] == "sample":
        ms[key].append(float(f[3])); size[key] = int(f[4])
    elif f[2] == "cpu":
        cpu[key] = int(f[3]) / n
    else:
        gc[key] = ((int(f[5]) - int(f[3])) / n, (int(f[6]) - int(f[4])) / n)
def p(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, math.ceil(len(v) * q) - 1)]
rows = []
for enc in ("plain", "gzip"):
    rows += [
        (f"{enc}: time_total p50, ms", {l: statistics.median(ms[(l, enc)]) for l in labels}),
        (f"{enc}: time_total p99, ms", {l: p(ms[(l, enc)], 0.99) for l in labels}),
        (f"{enc}: bytes", {l: size[(l, enc)] for l in labels}),
        (f"{enc}: coordinator CPU per scrape, ms", {l: cpu[(l, enc)] for l in labels}),
        (f"{enc}: young / full collections per scrape", {l: gc[(l, enc)] for l in labels}),
    ]
print("| measure | " + " | ".join(labels) + (" | after/before |" if len(labels) > 1 else " |"))
print("|---" * (len(labels) + 1 + (len(labels) > 1)) + "|")
def fmt(v):
    if isinstance(v, tuple):
        return "%.2f / %.2f" % v
    return "%d" % v if isinstance(v, int) else "%.1f" % v
for name, v in rows:
    cells = [fmt(v[l]) for l in labels]
    if len(labels) > 1:
        a, b = v["after"], v["before"]
        cells.append("" if isinstance(a, tuple) or not b else "%.2f" % (a / b))
    print(f"| {name} | " + " | ".join(cells) + " |")
PY
}

ROOT_JAR=$ROOT/coordinator/target/coordinator.jar
if [ "$METRICS_ONLY" = true ]; then
  for n in "$SCRAPES" "$NODES"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "bench: \"$n\" is not a count; give a whole number >= 1" >&2; exit 2; }
  done
  [[ "$EVENTS" =~ ^[0-9]+$ ]] || { echo "bench: --events \"$EVENTS\" is not a count; give a whole number >= 0" >&2; exit 2; }
  [ -z "$JAR_BEFORE" ] || [ -f "$JAR_BEFORE" ] || { echo "bench: --jar-before $JAR_BEFORE is not a file; give a coordinator.jar" >&2; exit 2; }
  metrics_only
  exit 0
fi
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "bench: installing wrk" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1
  fi
fi
for tool in java jcmd curl python3 wrk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done

JAR=$ROOT_JAR
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl coordinator -am package)
WORK=${BENCH_WORK:-/tmp/fleetrotate-coordinator-bench}
rm -rf "$WORK"; mkdir -p "$WORK/store"
AGENT=bench-agent-token-0123456789
ADMIN=bench-admin-token-0123456789
SCRAPE=bench-scrape-token-0123456789
cat >"$WORK/coordinator.yaml" <<YAML
http: { bind: 127.0.0.1, port: $PORT }
auth: { agentTokens: ["$AGENT"], adminTokens: ["$ADMIN"], scrapeTokens: ["$SCRAPE"] }
hazelcast: { enabled: $HAZELCAST, port: $HZ_PORT, members: ["127.0.0.1:$HZ_PORT"], clusterName: bench }
store: { dir: $WORK/store }
rateLimit: { heartbeatsPerNodePerMinute: 60000 }
YAML

cat >"$WORK/post.lua" <<'LUA'
-- Posts heartbeats of NODES distinct nodes (3 files each), round robin, per thread.
local nodes = tonumber(os.getenv("NODES") or "10000")
local counter = 0
local thread_offset = 0
local template = '{"protocolVersion":"1.0","nodeId":"%s","group":"mcp-server","agentVersion":"0.1.0",'
  .. '"sentAt":"2026-11-21T09:00:00Z","disks":[{"mount":"/var/log","totalBytes":107374182400,'
  .. '"usedBytes":%d}],"files":[{"path":"/var/log/mcp-server/server.log","sizeBytes":73400320,'
  .. '"growthBytesPerSecond":1234.5,"backupCount":30,"backupBytes":1610612736,'
  .. '"lastRotation":"2026-11-21T02:00:03.125Z","lastResult":"SUCCESS"},'
  .. '{"path":"/var/log/mcp-server/errors.log","sizeBytes":1024,"growthBytesPerSecond":0.5,'
  .. '"backupCount":3,"backupBytes":4096},{"path":"/var/log/mcp-server/access.log",'
  .. '"sizeBytes":52428800,"growthBytesPerSecond":512.0,"backupCount":7,"backupBytes":104857600}]}'
local threads = 0
function setup(thread)
  thread:set("thread_offset", threads * 7919)
  threads = threads + 1
end
function request()
  local i = (counter + thread_offset) % nodes
  counter = counter + 1
  local body = string.format(template, string.format("mcp-host-%05d", i), 50000000000 + i)
  return wrk.format("POST", wrk.path, {["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Content-Type"] = "application/json"}, body)
end
LUA

LOG=$WORK/coordinator.log
java -Xms1g -Xmx1g -Dfleetrotate.log.level=WARN \
  -jar "$JAR" run --config "$WORK/coordinator.yaml" >"$LOG" 2>&1 &
PID=$!
NOOP_LOG=$WORK/noop.log
java -Xms1g -Xmx1g -cp "$JAR" "$ROOT/bench/api/NoopServer.java" "$NOOP_PORT" "$AGENT" >"$NOOP_LOG" 2>&1 &
NOOP_PID=$!
cleanup() {
  kill "$PID" "$NOOP_PID" 2>/dev/null || true
  wait "$PID" "$NOOP_PID" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { echo "bench: the coordinator did not start:"; cat "$LOG"; exit 1; }
  sleep 0.2
done
for _ in $(seq 1 150); do
  grep -q "noop server on" "$NOOP_LOG" 2>/dev/null && break
  kill -0 "$NOOP_PID" 2>/dev/null || { echo "bench: the no-op server did not start:"; cat "$NOOP_LOG"; exit 1; }
  sleep 0.2
done

median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print("%.1f" % statistics.median(v))' "$@"; }
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
used_heap_kb() {
  jcmd "$PID" GC.run >/dev/null
  jcmd "$PID" GC.heap_info | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1
}
run_wrk() { # url -> requests/s; non-2xx count on stderr
  local out
  out=$(NODES=$NODES TOKEN=$AGENT wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/post.lua" "$1")
  local bad
  bad=$(echo "$out" | sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\).*/\1/p')
  [ -z "$bad" ] || echo "bench: $bad non-2xx answers on $1" >&2
  echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'
}

echo "# fleetrotate coordinator benchmark"
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ), runs: $RUNS x ${SECONDS_PER_RUN}s, wrk 2 threads x $CONNECTIONS connections, $NODES nodes, hazelcast $HAZELCAST"
echo

NOOP_URL=http://127.0.0.1:$NOOP_PORT/noop
HB_URL=http://127.0.0.1:$PORT/api/v1/heartbeats
# Warm up the JIT of both servers with a single node, then take the heap baseline.
for url in "$NOOP_URL" "$HB_URL"; do
  NODES=1 TOKEN=$AGENT wrk -t2 -c16 -d4s -s "$WORK/post.lua" "$url" >/dev/null
done
before_kb=$(used_heap_kb)

hb=(); noop=()
for _ in $(seq 1 "$RUNS"); do
  noop+=("$(run_wrk "$NOOP_URL")")
  hb+=("$(run_wrk "$HB_URL")")
done
tracked=$(curl -sf -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:$PORT/api/v1/fleet" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodes"]["total"])')
after_kb=$(used_heap_kb)

scrapes=()
for _ in $(seq 1 9); do
  scrapes+=("$(curl -s -o "$WORK/scrape.txt" -w '%{time_total}' -H "Authorization: Bearer $SCRAPE" "http://127.0.0.1:$PORT/metrics" \
    | python3 -c 'import sys; print(float(sys.stdin.read()) * 1000)')")
done
scrape_bytes=$(wc -c <"$WORK/scrape.txt")

hb_med=$(median "${hb[@]}"); noop_med=$(median "${noop[@]}")
per_node=$(python3 -c "print('%.0f' % ((${after_kb} - ${before_kb}) * 1024 / max(1, ${tracked})))")
echo "| measure | median | runs | goal |"
echo "|---|---|---|---|"
echo "| heartbeats/s (POST /api/v1/heartbeats) | $hb_med | ${hb[*]} | >= 20000 |"
echo "| no-op requests/s (same body, POST /noop, bench/api/NoopServer.java) | $noop_med | ${noop[*]} | |"
echo "| heartbeat / no-op ratio | $(ratio "$hb_med" "$noop_med") | | >= 0.5 |"
echo "| GET /metrics, $tracked nodes x 3 files (ms) | $(median "${scrapes[@]}") | ${scrapes[*]} | <= 250 |"
echo "| scrape size (bytes) | $scrape_bytes | | |"
echo "| heap per tracked node (bytes) | $per_node | used after GC: ${before_kb}K -> ${after_kb}K | <= 4096 |"
