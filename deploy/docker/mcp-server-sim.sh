#!/bin/sh
# Simulated MCP server for the Docker Compose fleet: appends JSON lines shaped like an MCP server's
# structured log to one file through one O_APPEND descriptor (as a server whose log is its own
# open file), reopens the path on SIGHUP, writes its pid to a pid file, and stops on SIGTERM or
# SIGINT. POSIX sh, so it runs in the busybox image (no JVM per host) and under dash or bash.
#
# Environment (defaults in brackets):
#   MCP_LOG             [/var/log/mcp-server/server.log]  the log
#   MCP_PID_FILE        [/run/mcp-server/server.pid]      written once started, removed at exit
#   MCP_LINES_PER_TICK  [20]    lines written per tick
#   MCP_TICK_SECONDS    [0.1]   pause between ticks (a sleep without fractions sleeps 1 s)
#   MCP_MAX_LINES       [0]     stop after this many lines; 0 runs until SIGTERM
#
# Each line carries "seq", counting from 1, the format ../shared/tools/count-lost.py reads, so a
# test can check that no line was lost or written twice across the live log and its backups. At
# exit the last seq written is printed on stdout.
set -eu

log=${MCP_LOG:-/var/log/mcp-server/server.log}
pid_file=${MCP_PID_FILE:-/run/mcp-server/server.pid}
per_tick=${MCP_LINES_PER_TICK:-20}
tick=${MCP_TICK_SECONDS:-0.1}
max=${MCP_MAX_LINES:-0}

# The traps only set flags; the loop acts on them between two lines, so a line is never split
# across the old and the new file.
reopen_wanted=0
running=1
trap 'reopen_wanted=1' HUP
trap 'running=0' TERM INT

exec 3>>"$log"
printf '%s\n' "$$" >"$pid_file.tmp"
mv -f "$pid_file.tmp" "$pid_file"

seq=0
while [ "$running" -eq 1 ]; do
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  i=0
  while [ "$i" -lt "$per_tick" ] && [ "$running" -eq 1 ]; do
    if [ "$reopen_wanted" -eq 1 ]; then
      reopen_wanted=0
      exec 3>>"$log"
    fi
    seq=$((seq + 1))
    i=$((i + 1))
    case $((seq % 4)) in
      0) tool=search ;;
      1) tool=fetch ;;
      2) tool=read_file ;;
      *) tool=run_query ;;
    esac
    printf '{"ts":"%s","level":"info","seq":%d,"event":"tools/call","tool":"%s","session":"s-%d","durationMs":%d,"msg":"call completed"}\n' \
      "$now" "$seq" "$tool" $((seq % 97)) $((seq * 7 % 250)) >&3
    if [ "$max" -gt 0 ] && [ "$seq" -ge "$max" ]; then
      running=0
    fi
  done
  if [ "$running" -eq 1 ]; then
    sleep "$tick" 2>/dev/null || sleep 1
  fi
done

exec 3>&-
rm -f "$pid_file"
printf '%s\n' "$seq"
