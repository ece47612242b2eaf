package io.fleetrotate.coordinator.cluster;

import io.fleetrotate.coordinator.config.CoordinatorConfig;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.history.HistoryStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The cluster side of coordinators without their HTTP side: Hazelcast members on loopback in one
 * cluster of their own, each with a ClusterSync over a store of the caller's (events stored as they
 * come, counted nowhere). For {@link HistoryCatchUpTest} and {@code bench/cluster-catch-up.sh}.
 * Whatever it starts is added to {@code open}, for the caller to close in reverse order.
 */
public final class ClusterParts {
  private final List<String> members = new ArrayList<>();
  private final String cluster = "cluster-parts-" + UUID.randomUUID();
  private final Duration retention;
  private final List<AutoCloseable> open;

  /** Members of {@code size} on free loopback ports. */
  public ClusterParts(int size, Duration retention, List<AutoCloseable> open) throws IOException {
    for (int i = 0; i < size; i++) {
      members.add("127.0.0.1:" + Clusters.freePort());
    }
    this.retention = retention;
    this.open = open;
  }

  /** Starts member {@code index} (from 0) with the default relay. */
  public ClusterMember member(int index) {
    int port = Integer.parseInt(members.get(index).substring("127.0.0.1:".length()));
    ClusterMember m =
        ClusterMember.start(
            new CoordinatorConfig.Hazelcast(
                true, port, members, cluster, "127.0.0.1", CoordinatorConfig.Relay.DEFAULTS),
            retention);
    open.add(m);
    return m;
  }

  /** Starts sharing {@code store} through {@code member} (catching up from its peers first). */
  public ClusterSync sync(ClusterMember member, HistoryStore store) {
    FleetState fleet =
        new FleetState(Clock.systemUTC(), new FleetState.NodeLimits(3, 10, 60, 100_000));
    ClusterSync sync =
        new ClusterSync(member, fleet, store, retention, false, store::append, e -> {});
    open.add(sync::close);
    sync.start();
    return sync;
  }
}
