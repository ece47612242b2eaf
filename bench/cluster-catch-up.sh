#!/usr/bin/env bash
# Cluster catch-up on the embedded store (issue 15): a coordinator that starts empty pulls every
# event of a peer's store, a page at a time; prints the time and the heap after GC while it runs,
# with -Xmx384m for both members' parts in one JVM.
# Usage: [BENCH_OPTS="-Dbench.seconds=S -Dbench.keep=DIR -Dbench.days=D"] bench/cluster-catch-up.sh [EVENTS...]
#   (default 200000 1000000; the options are described in bench/ClusterCatchUpBench.java)
# Also prints the longest single exchange of B's catch-up, and the hourly comparison of A's whole
# retention from the hour slices against a scan of the time index (what the catch-up asked before).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl coordinator -am test-compile
./mvnw -B -q -pl coordinator dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt \
  -Dmdep.includeScope=test
cp="coordinator/target/classes:coordinator/target/test-classes:$(cat coordinator/target/bench-cp.txt)"
mkdir -p target/bench-classes
javac -d target/bench-classes -cp "$cp" bench/HistoryStoreBench.java bench/ClusterCatchUpBench.java
java -Xmx384m -Dhazelcast.logging.type=none ${BENCH_OPTS:-} -cp "target/bench-classes:$cp" ClusterCatchUpBench "$@"
