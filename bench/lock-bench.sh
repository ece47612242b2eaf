#!/usr/bin/env bash
# Fleet lock benchmark: fleetrotate's Redis backend side by side with Redisson's RLock, in one run
# against one local redis-server (loopback only), plus the Hazelcast backend's hand-off.
#
#   bench/lock-bench.sh [--runs N] [--port P] [--hazelcast-port P] [--no-build] [--classpath CP]
#
#   --runs N            measured runs, medians printed (default 5)
#   --port P            port of the redis-server this script starts (default: a free one)
#   --hazelcast-port P  port of the embedded Hazelcast member (default: a free one)
#   --no-build          use bench/lock/target as it is
#   --classpath CP      put CP before the agent's jar, e.g. the classes of a backend not merged yet
#
# uncontended_cycles_per_s: acquire + release cycles per second from one client, after a warm-up
#   (6 s of such cycles for every client, Redis, Redisson and Hazelcast alike, so that no side is
#   timed while its code is still being compiled; each run then does 2 s of cycles and a hand-off).
# handoff_overhead_ms: 20 clients (separate connections) become due at one instant (a barrier),
#   each holds the lease 20 ms; overhead per hand-off = (makespan - 20 x 20 ms) / 20.
# Needs: java 17+, redis-server. Builds the agent and its modules into ~/.m2, then bench/lock
# (Redisson is pinned in bench/lock/pom.xml, never in the shipped jars), each under the shared
# build lock when there is one (FLEETROTATE_BUILD_LOCK, default /tmp/fleetrotate-build.lock).
# Each run takes ~10 s; the whole is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=5
PORT=
HZ_PORT=
BUILD=1
EXTRA_CP=
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --hazelcast-port) HZ_PORT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --classpath) EXTRA_CP=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "lock-bench: unknown option $1; see --help" >&2; exit 2 ;;
  esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "lock-bench: --runs needs a positive number" >&2; exit 2 ;; esac
for tool in java redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "lock-bench: $tool is missing (apt-get install ${tool%-*})" >&2; exit 1; }
done

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}
PORT=${PORT:-$(free_port)}
HZ_PORT=${HZ_PORT:-$(free_port)}

if [ "$BUILD" = 1 ]; then
  # Builds take the shared build lock when there is one (FLEETROTATE_BUILD_LOCK, default
  # /tmp/fleetrotate-build.lock), so that they queue behind other builds on the same machine.
  LOCK=${FLEETROTATE_BUILD_LOCK:-/tmp/fleetrotate-build.lock}
  LOCKED=()
  if command -v flock >/dev/null && [ -d "$(dirname "$LOCK")" ]; then LOCKED=(flock "$LOCK"); fi
  echo "lock-bench: building the agent and the bench${LOCKED:+ (under $LOCK)}" >&2
  (cd "$ROOT" \
    && "${LOCKED[@]}" ./mvnw -B -q install -DskipTests -Dspotless.check.skip=true -pl node-agent -am \
    && "${LOCKED[@]}" ./mvnw -B -q -f bench/lock/pom.xml package) >&2
fi
JAR=$ROOT/bench/lock/target/lock-bench.jar
[ -f "$JAR" ] || { echo "lock-bench: $JAR is missing; run without --no-build" >&2; exit 1; }

WORK=$(mktemp -d /tmp/fleetrotate-lock-bench.XXXXXX)
REDIS_PID=
cleanup() {
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
  --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 100); do
  redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG \
  || { echo "lock-bench: redis-server did not start on port $PORT:" >&2; cat "$WORK/redis.log" >&2; exit 1; }
echo "lock-bench: $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$PORT, $(nproc) cores, runs=$RUNS" >&2

# Bounded: ~12 s per run plus start-up; the JVM is killed if it goes past that.
LIMIT=$((90 + 30 * RUNS))
timeout --kill-after=10 "$LIMIT" java -Xms512m -Xmx1g -XX:+UseParallelGC \
  -Dlogback.configurationFile="$ROOT/bench/lock/logback-quiet.xml" -Dhazelcast.logging.type=slf4j \
  -cp "${EXTRA_CP:+$EXTRA_CP:}$JAR" io.fleetrotate.bench.LockBench --host 127.0.0.1 --port "$PORT" --runs "$RUNS" --hazelcast-port "$HZ_PORT"
