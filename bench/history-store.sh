#!/usr/bin/env bash
# The embedded history store at fleet scale (issue 15): back-dated events of 10,000 nodes over 30
# days into SQLite with -Xmx384m, printing ingest events/s, heap after GC, RSS, database size and
# the p50/p99 of the API's queries at 1/5 and all of the events.
# Usage: bench/history-store.sh [EVENTS]   (default 1,000,000; the issue's fleet is 21,600,000)
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
./mvnw -B -q -pl coordinator -am test-compile
./mvnw -B -q -pl coordinator dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt \
  -Dmdep.includeScope=test
java -Xmx384m -cp "coordinator/target/classes:$(cat coordinator/target/bench-cp.txt)" \
  bench/HistoryStoreBench.java "$events"
