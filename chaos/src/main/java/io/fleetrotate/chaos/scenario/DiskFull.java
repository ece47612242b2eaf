package io.fleetrotate.chaos.scenario;

import io.fleetrotate.chaos.fleet.AgentNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A log volume fills up: the first agent's log directory is a size-limited tmpfs (root only), and
 * the harness fills it with ballast until a few KiB are left, holds it, then frees it. Rotations
 * fail with DISK_FULL meanwhile, the writer drops what it cannot write (and says so), and once the
 * ballast is gone every due file must be rotated with nothing else lost.
 */
final class DiskFull extends Scenario {
  DiskFull() {
    super(
        "disk-full",
        "a log volume (a 16 MiB tmpfs) filled to the last few KiB with ballast, then" + " freed");
  }

  private static final String SIZE = "16m";

  @Override
  public Optional<String> cannotRun() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of(
          "needs root to mount a size-limited tmpfs; the agent has no injected disk-full fault");
    }
    if (!Files.isExecutable(Path.of("/bin/mount"))
        && !Files.isExecutable(Path.of("/usr/bin/mount"))) {
      return Optional.of("no mount command");
    }
    return super.cannotRun();
  }

  @Override
  public void prepare(ScenarioContext ctx, ChaosFleet fleet) {
    fleet.beforeAgentStart(
        a -> {
          if (!a.nodeId().equals("node-1")) {
            return;
          }
          Path dir = a.paths().log().getParent();
          try {
            Files.createDirectories(dir);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          run(
              List.of(
                  "mount",
                  "-t",
                  "tmpfs",
                  "-o",
                  "size=" + SIZE + ",mode=0755",
                  "tmpfs",
                  dir.toString()));
          ctx.fault("mounted a " + SIZE + " tmpfs on " + dir);
          fleet.afterClose(
              () -> {
                // Keep the volume's files for a diagnosis (the ballast is gone by now).
                run(List.of("cp", "-a", dir.toString(), dir + ".saved"));
                run(List.of("umount", "-l", dir.toString()));
              });
        });
  }

  @Override
  public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
    Random r = ctx.random();
    AgentNode a = fleet.agents().get(0);
    Path ballast = a.paths().log().getParent().resolve("ballast.bin");
    while (Instant.now().isBefore(until)) {
      ctx.sleep(Duration.ofMillis(2000 + r.nextInt(3000)));
      long leave = r.nextInt(24 * 1024);
      long free = Files.getFileStore(ballast.getParent()).getUsableSpace();
      fill(ballast, Math.max(0, free - leave));
      Duration hold = Duration.ofMillis(3000 + r.nextInt(5000));
      ctx.fault(
          "filled "
              + a.nodeId()
              + "'s log volume to "
              + Files.getFileStore(ballast.getParent()).getUsableSpace()
              + " bytes free, for "
              + hold.toMillis()
              + " ms");
      ctx.sleep(hold);
      Files.deleteIfExists(ballast);
      ctx.fault("freed " + a.nodeId() + "'s log volume");
    }
  }

  private static void fill(Path file, long bytes) throws IOException {
    byte[] buf = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; ) {
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        left -= n;
      }
    } catch (IOException e) {
      // Full already (the writer got there first): good enough.
    }
  }

  private static void run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command);
    }
  }
}
