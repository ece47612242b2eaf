package io.fleetrotate.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.coordinator.Coordinator;
import io.fleetrotate.coordinator.Http;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;

/** Coordinators joined in one Hazelcast cluster on loopback, for tests. */
final class Clusters {
  private Clusters() {}

  /**
   * Starts A, then B, each configured by its function of (its Hazelcast port, every member's
   * address); returns once both are members and the partitions are backed up, so that from then on
   * a write survives the loss of either.
   */
  static List<Coordinator> startPair(
      List<Coordinator> running,
      BiFunction<Integer, List<String>, CoordinatorConfig> configA,
      BiFunction<Integer, List<String>, CoordinatorConfig> configB)
      throws Exception {
    int portA = freePort();
    int portB = freePort();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    Coordinator a = start(running, configA.apply(portA, members));
    Coordinator b = start(running, configB.apply(portB, members));
    await().atMost(Duration.ofSeconds(60)).until(() -> a.cluster().get().members() == 2);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> a.cluster().get().hazelcast().getPartitionService().isClusterSafe());
    return List.of(a, b);
  }

  /** Starts a coordinator and adds it to {@code running} (which the test closes). */
  static Coordinator start(List<Coordinator> running, CoordinatorConfig config) throws Exception {
    Coordinator c = Coordinator.start(config, Clock.systemUTC());
    running.add(c);
    return c;
  }

  /** Kills a member as a crash would, and closes what is left of it. */
  static void crash(List<Coordinator> running, Coordinator c) {
    c.cluster().get().terminate();
    c.close();
    running.remove(c);
  }

  /** The value of a sample without labels in the coordinator's {@code /metrics}, over HTTP. */
  static double metric(Coordinator c, String sample) {
    Http.Response r = new Http(c.port()).get("/metrics", Http.ADMIN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body()
        .lines()
        .filter(line -> line.startsWith(sample + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1).strip()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + sample + " in /metrics"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
