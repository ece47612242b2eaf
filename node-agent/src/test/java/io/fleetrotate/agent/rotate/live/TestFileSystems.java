package io.fleetrotate.agent.rotate.live;

import static org.assertj.core.api.Assertions.fail;

import io.fleetrotate.testsupport.SystemCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Directories on filesystems that can or cannot collapse a range. When one cannot be had, the test
 * is skipped with the reason printed, or fails under CI=true, where a skip would hide a gap.
 */
public final class TestFileSystems {

  private static final Set<String> COLLAPSING = Set.of("ext4", "xfs");

  private TestFileSystems() {}

  /** A directory that goes away (unmounted, deleted) on close. */
  public record ScratchDir(Path path, String fileSystemType, AutoCloseable cleanup)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      cleanup.close();
    }
  }

  /** The temp dir when it is on ext4 or xfs, else a loop-mounted ext4 image inside it. */
  public static ScratchDir collapsing(Path tempDir) throws Exception {
    String type = Files.getFileStore(tempDir).type();
    if (COLLAPSING.contains(type)) {
      return new ScratchDir(tempDir, type, () -> {});
    }
    Path image = tempDir.resolve("ext4.img");
    Path mountPoint = Files.createDirectory(tempDir.resolve("ext4"));
    String failure =
        SystemCommands.run(List.of("truncate", "-s", "64M", image.toString()))
            + SystemCommands.run(List.of("mkfs.ext4", "-q", image.toString()));
    if (failure.isEmpty()) {
      failure =
          SystemCommands.run(
              List.of("mount", "-o", "loop", image.toString(), mountPoint.toString()));
    }
    if (!failure.isEmpty()) {
      unavailable(
          "collapse needs ext4 or xfs; the temp dir is on "
              + type
              + " and loop-mounting an ext4 image failed ("
              + failure.strip()
              + "); run as root with loop devices, or point java.io.tmpdir at ext4");
    }
    return new ScratchDir(
        mountPoint,
        "ext4",
        () -> SystemCommands.run(List.of("umount", "-l", mountPoint.toString())));
  }

  /** A directory on tmpfs, where collapsing is not supported: /dev/shm, or a tmpfs mount. */
  static ScratchDir nonCollapsing(Path tempDir) throws Exception {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm)
        && Files.isWritable(shm)
        && Files.getFileStore(shm).type().equals("tmpfs")) {
      Path dir = Files.createTempDirectory(shm, "fleetrotate-test-");
      return new ScratchDir(dir, "tmpfs", () -> deleteTree(dir));
    }
    Path mountPoint = Files.createDirectory(tempDir.resolve("tmpfs"));
    String failure =
        SystemCommands.run(List.of("mount", "-t", "tmpfs", "tmpfs", mountPoint.toString()));
    if (!failure.isEmpty()) {
      unavailable(
          "the fallback test needs a tmpfs directory; /dev/shm is not one and mounting tmpfs"
              + " failed ("
              + failure.strip()
              + ")");
    }
    return new ScratchDir(
        mountPoint,
        "tmpfs",
        () -> SystemCommands.run(List.of("umount", "-l", mountPoint.toString())));
  }

  private static void unavailable(String why) {
    System.out.println("[fleetrotate test fixture] " + why);
    if ("true".equals(System.getenv("CI"))) {
      fail(why);
    }
    Assumptions.abort(why);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
