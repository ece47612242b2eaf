#!/usr/bin/env bash
# Rotation benchmark: fleetrotate's agent side by side with the zstd CLI and logrotate, in one run.
#
#   bench/rotation.sh [--runs N] [--size-mb MB] [--part 1|2|3|4|all] [--modes LIST] [--agent-root DIR]
#
# --modes: part 4's reopen methods, comma-separated (default signal,copytruncate,collapse).
# --agent-root: the source tree whose ./fleetrotate launcher and node-agent jar run the agent
#   (default: this one), to measure another build (e.g. a worktree of an earlier commit) with this
#   script, alternating with this tree's in one sitting.
#
# Part 1: one rotation of a realistic 1 GiB MCP log (gen-mcp-log.py): `./fleetrotate agent rotate
#         --now` (whole process, JVM start included; with and without the class-data archive) vs
#         `zstd -3 -T1` vs `logrotate -f` (default gzip).
# Part 2: lines lost and duplicated over ~10 rotations of a log written at 50,000 lines/s:
#         agent signal / copytruncate / collapse vs logrotate copytruncate.
# Part 3: idle footprint of the agent daemon watching 100 files: RSS and CPU time per check.
# Part 4: compress-ahead. The realistic log written live at ~100 MB/s under `agent run`, rotated by
#         size, for rename+signal, copytruncate and collapse: rotation wall time vs `zstd -3 -T1`
#         on the same bytes, agent CPU (first write to finished backup) vs the CLI's, bytes the agent
#         wrote during the rotation (/proc/PID/io) vs the log size, backup size vs the CLI's, and
#         the agent's CPU per second through the run (max and median), to show no spike. The agent
#         compresses while the writer runs on the other core; the CLI is measured twice on the same
#         bytes: alone (the CPU ratio column), and beside the same writer copying the source at the
#         same rate into a scratch file (killed when the CLI ends, 60 s at most), so both sides of
#         the second ratio share the machine alike. The daemon
#         runs as users run it, `./fleetrotate agent run` (the launcher's daemon JVM options and
#         class-data archive), started before the first write: its start is not in the window.
# Prints medians and ratios as a Markdown table. Needs: java 17+, python3, zstd, logrotate.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${FLEETROTATE_SHARED_DIR:-$ROOT/../shared}/tools
RUNS=5
SIZE_MB=1024
PART=all
MODES=signal,copytruncate,collapse
AGENT_ROOT=$ROOT
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --size-mb) SIZE_MB=$2; shift 2 ;;
    --part) PART=$2; shift 2 ;;
    --modes) MODES=$2; shift 2 ;;
    --agent-root) AGENT_ROOT=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown option $1; see --help" >&2; exit 2 ;;
  esac
done
for tool in java python3 zstd logrotate; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
[ -f "$TOOLS/gen-mcp-log.py" ] || { echo "bench: $TOOLS/gen-mcp-log.py not found; set FLEETROTATE_SHARED_DIR" >&2; exit 1; }

for mode in ${MODES//,/ }; do
  case "$mode" in signal|copytruncate|collapse) ;; *) echo "bench: --modes takes signal, copytruncate and collapse, comma-separated; got '$mode'" >&2; exit 2 ;; esac
done
[ -x "$AGENT_ROOT/fleetrotate" ] || { echo "bench: --agent-root $AGENT_ROOT has no ./fleetrotate launcher" >&2; exit 2; }
JAR=$AGENT_ROOT/node-agent/target/node-agent.jar
[ -f "$JAR" ] || (cd "$AGENT_ROOT" && ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl node-agent -am package)
WORK=${BENCH_WORK:-/tmp/fleetrotate-bench}
mkdir -p "$WORK"
now() { date +%s.%N; }
median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print("%.3f" % statistics.median(v))' "$@"; }
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

echo "# fleetrotate rotation benchmark"
echo
echo "agent: $AGENT_ROOT ($(git -C "$AGENT_ROOT" rev-parse --short HEAD 2>/dev/null || echo "not a git tree"))"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ), runs: $RUNS"
echo

part1() {
  local src=$WORK/source-$SIZE_MB.log
  [ -f "$src" ] || python3 "$TOOLS/gen-mcp-log.py" "$src" "$SIZE_MB" --seed 42 >/dev/null
  local d=$WORK/p1
  local agent=() plain=() inner=() zst=() zsync=() lr=() agent_size=0 cli_size=0
  # Makes the class-data archive now (once per build), outside the timed runs.
  FLEETROTATE_CDS=on "$AGENT_ROOT/fleetrotate" agent --version >/dev/null
  for i in $(seq 1 "$RUNS"); do
    rm -rf "$d"; mkdir -p "$d/logs" "$d/state"; chmod 750 "$d/logs"
    cat >"$d/agent.yaml" <<YAML
node: { id: bench, group: bench }
stateDir: $d/state
http: { enabled: false }
lock: { backend: local }
files:
  - path: $d/logs/server.log
    retention: { keep: 100 }
    compress: { codec: zstd, level: 3 }
    reopen: { method: none }
YAML
    cat >"$d/logrotate.conf" <<CONF
$d/logs/lr.log {
  rotate 5
  compress
  missingok
}
CONF
    # Same bytes, same page cache for all three.
    cp "$src" "$d/logs/server.log"; cp "$src" "$d/cli.log"; cp "$src" "$d/logs/lr.log"
    # Write the copies back now, so no tool pays for another's dirty pages.
    sync
    cat "$d/logs/server.log" "$d/cli.log" "$d/logs/lr.log" >/dev/null

    # As users run it: the launcher, which starts the JVM from the agent's class-data archive.
    t0=$(now); out=$("$AGENT_ROOT/fleetrotate" agent rotate --config "$d/agent.yaml" --now --quiet); t1=$(now)
    agent+=("$(python3 -c "print($t1-$t0)")")
    inner+=("$(echo "$out" | sed -n 's/.* in \([0-9.]*\)s.*/\1/p' | head -1)")
    agent_size=$(stat -c %s "$d"/logs/server.log.*.zst)
    rm -f "$d"/logs/server.log.*.zst
    # The same rotation without the archive: what it saves.
    cp "$src" "$d/logs/server.log"; sync; cat "$d/logs/server.log" >/dev/null
    t0=$(now); FLEETROTATE_CDS=off "$AGENT_ROOT/fleetrotate" agent rotate --config "$d/agent.yaml" --now --quiet >/dev/null; t1=$(now)
    plain+=("$(python3 -c "print($t1-$t0)")")
    sync

    t0=$(now); zstd -3 -T1 -q -f -o "$d/cli.log.zst" "$d/cli.log"; t1=$(now)
    # The agent fsyncs its output before deleting anything; sync FILE is the CLI's equivalent.
    sync "$d/cli.log.zst"; t2=$(now)
    zst+=("$(python3 -c "print($t1-$t0)")")
    zsync+=("$(python3 -c "print($t2-$t0)")")
    sync
    cli_size=$(stat -c %s "$d/cli.log.zst")

    t0=$(now); logrotate -f -s "$d/logrotate.state" "$d/logrotate.conf"; t1=$(now)
    lr+=("$(python3 -c "print($t1-$t0)")")
    echo "run $i: agent ${agent[-1]}s (rotation ${inner[-1]}s, without archive ${plain[-1]}s), zstd ${zst[-1]}s (+sync ${zsync[-1]}s), logrotate ${lr[-1]}s" >&2
  done
  local ma mp mi mz ml
  local ms
  ma=$(median "${agent[@]}"); mp=$(median "${plain[@]}"); mi=$(median "${inner[@]}"); mz=$(median "${zst[@]}"); ml=$(median "${lr[@]}")
  ms=$(median "${zsync[@]}")
  echo "## Part 1: one rotation of a ${SIZE_MB} MiB MCP log (medians of $RUNS)"
  echo
  echo "| what | median s | vs zstd -3 -T1 |"
  echo "| --- | ---: | ---: |"
  echo "| ./fleetrotate agent rotate --now (whole process, class-data archive) | $ma | $(ratio "$ma" "$mz")x |"
  echo "| the same with FLEETROTATE_CDS=off (no archive) | $mp | $(ratio "$mp" "$mz")x |"
  echo "| rotation as the agent reports it | $mi | $(ratio "$mi" "$mz")x |"
  echo "| zstd -3 -T1 | $mz | 1.00x |"
  echo "| zstd -3 -T1, then sync of its output (what the agent does) | $ms | $(ratio "$ms" "$mz")x |"
  echo "| logrotate -f (gzip -6) | $ml | $(ratio "$ml" "$mz")x |"
  echo
  echo "agent vs logrotate (whole process): $(ratio "$ml" "$ma")x faster; compressed size agent/zstd CLI: $(ratio "$agent_size" "$cli_size") ($agent_size vs $cli_size bytes)"
  echo
}

# agent_yaml DIR REOPEN MAX_SIZE KEEP LEVEL: a daemon config for DIR/logs/server.log in DIR/agent.yaml
agent_yaml() {
  cat >"$1/agent.yaml" <<YAML
node: { id: bench, group: bench }
stateDir: $1/state
checkInterval: 1s
http: { enabled: false }
lock: { backend: local }
files:
  - path: $1/logs/server.log
    trigger: { maxSize: $3 }
    retention: { keep: $4 }
    compress: { codec: zstd, level: $5 }
    reopen: $2
YAML
}

# run_agent_loss MODE -> prints "missing duplicated rotations"
run_agent_loss() {
  local mode=$1 d=$WORK/p2-$1
  rm -rf "$d"; mkdir -p "$d/logs" "$d/state"; chmod 750 "$d/logs"
  local reopen="{ method: $mode }"
  [ "$mode" = signal ] && reopen="{ method: signal, signal: HUP, pidFile: $d/writer.pid }"
  agent_yaml "$d" "$reopen" 1MiB 1000 1
  python3 "$TOOLS/seq-writer.py" "$d/logs/server.log" --rate 50000 --seconds 12 >"$d/writer.out" &
  local writer=$!
  echo $writer >"$d/writer.pid"
  while [ ! -s "$d/logs/server.log" ]; do sleep 0.05; done
  java -jar "$JAR" run --config "$d/agent.yaml" 2>"$d/agent.log" &
  local agent=$!
  wait $writer
  sleep 1.5
  kill -TERM $agent; wait $agent || true
  local last; last=$(cat "$d/writer.out")
  local n; n=$(ls "$d"/logs/server.log.* 2>/dev/null | wc -l)
  python3 "$TOOLS/count-lost.py" "$last" "$d"/logs/server.log* | sed -n "s/.*missing=\([0-9]*\) duplicated=\([0-9]*\).*/\1 \2 $n $last/p"
}

run_logrotate_loss() {
  local d=$WORK/p2-logrotate
  rm -rf "$d"; mkdir -p "$d/logs"; chmod 750 "$d/logs"
  cat >"$d/logrotate.conf" <<CONF
$d/logs/server.log {
  rotate 1000
  copytruncate
  nocompress
  missingok
}
CONF
  python3 "$TOOLS/seq-writer.py" "$d/logs/server.log" --rate 50000 --seconds 12 >"$d/writer.out" &
  local writer=$!
  while [ ! -s "$d/logs/server.log" ]; do sleep 0.05; done
  for _ in $(seq 1 10); do sleep 1; logrotate -f -s "$d/state" "$d/logrotate.conf"; done
  wait $writer
  local last; last=$(cat "$d/writer.out")
  local n; n=$(ls "$d"/logs/server.log.* 2>/dev/null | wc -l)
  python3 "$TOOLS/count-lost.py" "$last" "$d"/logs/server.log* | sed -n "s/.*missing=\([0-9]*\) duplicated=\([0-9]*\).*/\1 \2 $n $last/p"
}

part2() {
  echo "## Part 2: lines lost over ~10 rotations at 50,000 lines/s"
  echo
  echo "| method | lines written | rotations | missing | duplicated |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for mode in signal copytruncate collapse; do
    read -r miss dup n last < <(run_agent_loss "$mode")
    echo "| agent $mode | $last | $n | $miss | $dup |"
  done
  read -r miss dup n last < <(run_logrotate_loss)
  echo "| logrotate copytruncate | $last | $n | $miss | $dup |"
  echo
}

part3() {
  local d=$WORK/p3
  rm -rf "$d"; mkdir -p "$d/logs" "$d/state"; chmod 750 "$d/logs"
  for i in $(seq 1 100); do head -c 4096 /dev/urandom | base64 >"$d/logs/app-$i.log"; done
  cat >"$d/agent.yaml" <<YAML
node: { id: bench, group: bench }
stateDir: $d/state
checkInterval: 1s
http: { port: 0 }
lock: { backend: local }
files:
  - path: $d/logs/*.log
    trigger: { maxSize: 1GiB }
YAML
  echo "## Part 3: idle daemon watching 100 files, check every second"
  echo
  echo "| JVM options | RSS MiB after 20 s | CPU ms per check |"
  echo "| --- | ---: | ---: |"
  for opts in "" "-XX:+UseSerialGC -Xmx48m -XX:TieredStopAtLevel=1 -Xss512k -XX:MaxMetaspaceSize=64m"; do
    # shellcheck disable=SC2086
    java $opts -jar "$JAR" run --config "$d/agent.yaml" 2>"$d/agent.log" &
    local pid=$!
    sleep 5
    local c0; c0=$(awk '{print $14+$15}' /proc/$pid/stat)
    sleep 15
    local c1; c1=$(awk '{print $14+$15}' /proc/$pid/stat)
    local rss; rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
    kill -TERM $pid; wait $pid || true
    local tck; tck=$(getconf CLK_TCK)
    echo "| ${opts:-defaults} | $rss | $(python3 -c "print('%.1f' % (($c1-$c0)*1000/$tck/15))") |"
  done
  echo
}

# The source copied into the live log at RATE MB/s in 1 MiB writes (O_APPEND), reopening on SIGHUP;
# stays alive (holding the log) until killed once the whole source is written.
live_writer() {
  exec python3 - "$1" "$2" "$3" <<'PY'
import os, signal, sys, time
src, path, rate = sys.argv[1], sys.argv[2], float(sys.argv[3]) * 1e6
reopen = False
def hup(*_):
    global reopen
    reopen = True
signal.signal(signal.SIGHUP, hup)
fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
done, t0 = 0, time.monotonic()
with open(src, "rb") as f:
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        if reopen:
            os.close(fd); fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644); reopen = False
        os.write(fd, chunk)
        done += len(chunk)
        ahead = done / rate - (time.monotonic() - t0)
        if ahead > 0:
            time.sleep(ahead)
while True:  # a server idles holding its log, and still reopens when told
    time.sleep(0.05)
    if reopen:
        os.close(fd); fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644); reopen = False
PY
}

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
write_bytes() { awk '/^write_bytes/ {print $2}' "/proc/$1/io"; }

# run_ahead MODE -> prints "rotation_s agent_cpu_s written_bytes log_bytes backup_bytes cpu_max cpu_median"
run_ahead() {
  local mode=$1 src=$2 d=$WORK/p4-$1
  rm -rf "$d"; mkdir -p "$d/logs" "$d/state"; chmod 750 "$d/logs"
  local reopen="{ method: $mode }"
  [ "$mode" = signal ] && reopen="{ method: signal, signal: HUP, pidFile: $d/writer.pid }"
  local max_mb=$(( SIZE_MB * 90 / 100 ))
  agent_yaml "$d" "$reopen" "${max_mb}MiB" 10 3
  : >"$d/logs/server.log"
  "$AGENT_ROOT/fleetrotate" agent run --config "$d/agent.yaml" 2>"$d/agent.log" &
  local agent=$! # the launcher execs the JVM: this is its pid
  sleep 3 # JVM start, outside the measured window
  local tck; tck=$(getconf CLK_TCK)
  local c0; c0=$(cpu_ticks $agent)
  live_writer "$src" "$d/logs/server.log" 100 &
  local writer=$!
  echo $writer >"$d/writer.pid"
  local prev=$c0 samples=() t_begin="" w0="" backup=""
  local give_up=$(( $(date +%s) + 600 ))
  while [ -z "$backup" ]; do
    sleep 0.05
    [ "$(date +%s)" -lt "$give_up" ] || { echo "bench: no backup of $mode after 10 minutes; see $d/agent.log" >&2; kill $writer $agent; exit 1; }
    if [ -z "$t_begin" ] && ls "$d"/state/journal/*.journal >/dev/null 2>&1; then
      t_begin=$(now); w0=$(write_bytes $agent)
    fi
    backup=$(ls "$d"/logs/server.log.*.zst 2>/dev/null | head -1 || true)
    local t; t=$(date +%s)
    if [ "$t" != "${last_t:-}" ]; then
      local c; c=$(cpu_ticks $agent); samples+=($(( c - prev ))); prev=$c; last_t=$t
    fi
  done
  local t_end; t_end=$(now)
  local w1; w1=$(write_bytes $agent)
  local c1; c1=$(cpu_ticks $agent)
  kill $writer; wait $writer 2>/dev/null || true
  sleep 1; kill -TERM $agent; wait $agent || true
  zstd -dcq "$backup" >"$d/rotated.log"
  local log_bytes; log_bytes=$(stat -c %s "$d/rotated.log")
  # What the partial covered when the rotation took it over (0: none was handed over).
  local covered; covered=$(sed -n 's/.*reusing the compress-ahead partial of .*: \([0-9]*\) of [0-9]* bytes.*/\1/p' "$d/agent.log" | head -1)
  python3 - "$t_begin" "$t_end" "$c0" "$c1" "$tck" "$w0" "$w1" "$log_bytes" "$(stat -c %s "$backup")" "${covered:-0}" "${samples[@]}" <<'PY'
import statistics, sys
a = sys.argv[1:]
tb, te, c0, c1, tck, w0, w1, log, bk, cov = float(a[0]), float(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5]), int(a[6]), int(a[7]), int(a[8]), int(a[9])
per_s = [int(x) / tck for x in a[10:]] or [0]
print("%.3f %.2f %d %d %d %.2f %.2f %.3f" % (te - tb, (c1 - c0) / tck, w1 - w0, log, bk, max(per_s), statistics.median(per_s), cov / log))
PY
}

part4() {
  local src=$WORK/source-$SIZE_MB.log
  [ -f "$src" ] || python3 "$TOOLS/gen-mcp-log.py" "$src" "$SIZE_MB" --seed 42 >/dev/null
  # Makes the class-data archive now (once per build), outside the timed runs.
  "$AGENT_ROOT/fleetrotate" agent --version >/dev/null
  echo "## Part 4: compress-ahead, $SIZE_MB MiB written live at ~100 MB/s, rotated by size (medians of $RUNS)"
  echo
  echo "| method | rotation s | zstd CLI s | ratio | agent CPU s | CLI CPU s | ratio (median of runs') | written during rotation / log | backup / CLI size | covered ahead at rotation | agent CPU/s max, median | CLI CPU s beside the writer | agent / that (median of runs') |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
  for mode in ${MODES//,/ }; do
    local rot=() cpu=() wr=() cli=() clicpu=() cpuratio=() cov=() size_ratio="" cpumax="" cpumed=""
    local besidecpu=() besideratio=()
    for i in $(seq 1 "$RUNS"); do
      read -r r c w l b mx md cv < <(run_ahead "$mode" "$src")
      local d=$WORK/p4-$mode
      /usr/bin/time -f "%e %U %S" -o "$d/cli.time" zstd -3 -T1 -q -f "$d/rotated.log" -o "$d/cli.zst"
      read -r ce cu cs <"$d/cli.time"
      rot+=("$r"); cpu+=("$c"); wr+=("$(python3 -c "print($w/$l)")"); cli+=("$ce"); cov+=("$cv")
      clicpu+=("$(python3 -c "print($cu+$cs)")")
      cpuratio+=("$(ratio "$c" "${clicpu[-1]}")")
      size_ratio=$(ratio "$b" "$(stat -c %s "$d/cli.zst")"); cpumax=$mx; cpumed=$md
      # The CLI again, on the same bytes, while the part's writer copies the source at the same rate
      # into a scratch file beside it: the contention the agent compresses under.
      timeout 60 bash -c "$(declare -f live_writer); live_writer '$src' '$d/scratch.log' 100" &
      local scratch_writer=$!
      for _ in $(seq 1 100); do [ -s "$d/scratch.log" ] && break; sleep 0.05; done
      sleep 0.5 # the writer at its pace
      /usr/bin/time -f "%e %U %S" -o "$d/cli-beside.time" zstd -3 -T1 -q -f "$d/rotated.log" -o "$d/cli.zst"
      kill $scratch_writer 2>/dev/null || true; wait $scratch_writer 2>/dev/null || true
      read -r _ bu bs <"$d/cli-beside.time"
      besidecpu+=("$(python3 -c "print($bu+$bs)")")
      besideratio+=("$(ratio "$c" "${besidecpu[-1]}")")
      echo "run $i $mode: rotation ${r}s, agent CPU ${c}s, CLI CPU ${clicpu[-1]}s (${cpuratio[-1]}x), CLI CPU beside the writer ${besidecpu[-1]}s (${besideratio[-1]}x), covered ahead $cv, load $(cut -d' ' -f1 /proc/loadavg)" >&2
      rm -f "$d/rotated.log" "$d/cli.zst" "$d/scratch.log"
    done
    local mr mc mw mcli mclicpu
    mr=$(median "${rot[@]}"); mc=$(median "${cpu[@]}"); mw=$(median "${wr[@]}")
    mcli=$(median "${cli[@]}"); mclicpu=$(median "${clicpu[@]}")
    echo "| $mode | $mr | $mcli | $(ratio "$mr" "$mcli") | $mc | $mclicpu | $(median "${cpuratio[@]}") | $mw | $size_ratio | $(median "${cov[@]}") | $cpumax, $cpumed | $(median "${besidecpu[@]}") | $(median "${besideratio[@]}") |"
  done
  echo
  echo "load while measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
}

case "$PART" in
  1) part1 ;;
  2) part2 ;;
  3) part3 ;;
  4) part4 ;;
  all) part1; part2; part3; part4 ;;
  *) echo "--part is 1, 2, 3, 4 or all" >&2; exit 2 ;;
esac
