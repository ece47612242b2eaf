package io.fleetrotate.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.testsupport.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A three-master Redis Cluster of redis-server processes on loopback ports, no replicas, made with
 * {@code redis-cli --cluster create}.
 */
final class RedisTestCluster implements AutoCloseable {
  final List<RedisServerProcess> nodes = new ArrayList<>();

  static RedisTestCluster start() throws Exception {
    RedisTestCluster cluster = new RedisTestCluster();
    try {
      for (int i = 0; i < 3; i++) {
        cluster.nodes.add(
            RedisServerProcess.start(
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "5000"));
      }
      List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      cluster.nodes.forEach(n -> cmd.add("127.0.0.1:" + n.port));
      cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Path log = Files.createTempFile("fleetrotate-cluster-create", ".log");
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("%s: %s", cmd, Files.readString(log)).isZero();
      Files.deleteIfExists(log);
      for (RedisServerProcess n : cluster.nodes) {
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> clusterInfo(n.port).contains("cluster_state:ok"));
      }
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** A seed list in the form lock.redis.uri takes with cluster: true. */
  String uri() {
    StringBuilder b = new StringBuilder("redis://");
    for (RedisServerProcess n : nodes) {
      if (b.length() > "redis://".length()) {
        b.append(',');
      }
      b.append("127.0.0.1:").append(n.port);
    }
    return b.toString();
  }

  private static String clusterInfo(int port) throws IOException {
    RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().clusterInfo();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() {
    nodes.forEach(RedisServerProcess::close);
  }
}
