#!/bin/bash
# HEALTHCHECK of the fleetrotate images: GET /health on 127.0.0.1:PORT through bash's /dev/tcp,
# since the JRE image has neither curl nor wget (and a JVM per check would cost ~100 MB and a
# second). Healthy (exit 0): an HTTP 200 whose JSON body says "status":"UP", or the agent's
# "DEGRADED" (its lock service is unreachable: the agent works and waits for it, and restarting the
# container would not bring the service back; /health, the heartbeat and the coordinator say so).
# The agent answers "STARTING" until its first check has run, which the HEALTHCHECK's start period
# covers.
#   healthcheck.sh PORT [SECONDS]   (SECONDS: give up after this long, default 3)
set -u
port=${1:?usage: healthcheck.sh PORT [SECONDS]}
limit=${2:-3}

if ! { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
  echo "healthcheck: nothing listens on 127.0.0.1:$port" >&2
  exit 1
fi
printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$port" >&3
# HTTP/1.0 without keep-alive: the server closes after the response, so read to the end.
response=$(timeout "$limit" cat <&3)
exec 3<&-

status_line=${response%%$'\r'*}
case $status_line in
  "HTTP/1."?" 200"*) ;;
  *)
    echo "healthcheck: /health answered '${status_line:-nothing}'" >&2
    exit 1
    ;;
esac
case $response in
  *'"status":"UP"'*) exit 0 ;;
  *'"status":"DEGRADED"'*)
    echo "healthcheck: degraded: ${response##*$'\r\n\r\n'}" >&2
    exit 0
    ;;
  *)
    echo "healthcheck: /health is not UP: ${response##*$'\r\n\r\n'}" >&2
    exit 1
    ;;
esac
