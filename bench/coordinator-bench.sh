#!/usr/bin/env bash
# Coordinator benchmark, loopback only, bounded (about 2 minutes with the defaults).
#
#   bench/coordinator-bench.sh [--runs N] [--seconds S] [--connections C] [--nodes N] [--hazelcast]
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
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3
SECONDS_PER_RUN=8
CONNECTIONS=64
NODES=10000
HAZELCAST=false
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
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1; see --help" >&2; exit 2 ;;
  esac
done
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

JAR=$ROOT/coordinator/target/coordinator.jar
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
