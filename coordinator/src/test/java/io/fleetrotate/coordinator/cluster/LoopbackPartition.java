package io.fleetrotate.coordinator.cluster;

import io.fleetrotate.testsupport.SystemCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real network partition between Hazelcast members on loopback: an nftables table of its own
 * drops every TCP packet on {@code lo} to or from the given ports (the members' ports), so the
 * members' connections go silent as a cut cable does, and nothing else on the host is touched.
 * {@link #heal()} deletes the table. It needs root and nft: without them the test is skipped with
 * the reason printed, or fails under {@code CI=true}, where a skip would hide a gap.
 */
final class LoopbackPartition implements AutoCloseable {
  private static final Path NFT = Path.of("/usr/sbin/nft");

  private final String table = "fleetrotate_split_" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Integer> ports;
  private boolean cut;

  private LoopbackPartition(List<Integer> ports) {
    this.ports = List.copyOf(ports);
  }

  /** A partition of the members on {@code ports}, not cut yet; checks that it can be made. */
  static LoopbackPartition between(List<Integer> ports) throws Exception {
    LoopbackPartition p = new LoopbackPartition(ports);
    String why = null;
    if (!Files.isExecutable(NFT)) {
      why = NFT + " is not installed (Debian package nftables)";
    } else {
      // A table with no chain filters nothing: it only proves that nft may change the ruleset.
      String failure = nft("add table inet " + p.table + "\n");
      if (failure.isEmpty()) {
        nft("delete table inet " + p.table + "\n");
      } else {
        why = "nft cannot add a table (it needs root or CAP_NET_ADMIN): " + failure.strip();
      }
    }
    if (why != null) {
      why = "a real split brain drops the members' loopback traffic with nftables; " + why;
      System.out.println("SKIPPED " + why);
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(
            why + " (CI=true, where .ci/run runs as root with nft, so this is a failure)");
      }
      Assumptions.abort(why);
    }
    return p;
  }

  /** Drops the members' traffic from now on, both ways. */
  void cut() throws Exception {
    String set = ports.stream().map(String::valueOf).collect(Collectors.joining(", "));
    String failure =
        nft(
            "table inet "
                + table
                + " {\n"
                + "  chain out {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    oif \"lo\" tcp dport { "
                + set
                + " } drop\n"
                + "    oif \"lo\" tcp sport { "
                + set
                + " } drop\n"
                + "  }\n"
                + "}\n");
    if (!failure.isEmpty()) {
      throw new IllegalStateException("could not cut the members apart: " + failure);
    }
    cut = true;
  }

  /** Lets the members' traffic through again. */
  void heal() throws Exception {
    if (cut) {
      String failure = nft("delete table inet " + table + "\n");
      if (!failure.isEmpty()) {
        throw new IllegalStateException("could not heal the partition: " + failure);
      }
      cut = false;
    }
  }

  @Override
  public void close() throws Exception {
    heal();
  }

  /** Runs {@code nft -f -} on {@code script}; "" on success, else what it printed. */
  private static String nft(String script) throws IOException, InterruptedException {
    Path file = Files.createTempFile("fleetrotate-nft", ".nft");
    try {
      Files.writeString(file, script, StandardCharsets.UTF_8);
      return SystemCommands.run(List.of(NFT.toString(), "-f", file.toString()));
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
