package io.fleetrotate.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on an existing directory, for a real full disk; unmounted on close. It
 * needs root: without it the test is skipped with the reason printed, or fails under {@code
 * CI=true}, where a skip would hide a gap.
 */
public final class SmallTmpfs implements AutoCloseable {
  private final Path at;

  private SmallTmpfs(Path at) {
    this.at = at;
  }

  /**
   * Mounts a tmpfs of {@code size} (as mount's {@code size=} option, e.g. {@code 4m}) on {@code
   * at}.
   */
  public static SmallTmpfs mount(Path at, String size) throws IOException, InterruptedException {
    String failure =
        SystemCommands.run(
            List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString()));
    if (!failure.isEmpty()) {
      String why = "a real full disk needs a small tmpfs mount (root): " + failure.strip();
      System.out.println("[fleetrotate test fixture] " + why);
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
    return new SmallTmpfs(at);
  }

  public Path path() {
    return at;
  }

  /**
   * Writes {@code name} in the tmpfs until the filesystem refuses more; returns the file, whose
   * deletion frees the space.
   */
  public Path fill(String name) throws IOException {
    Path filler = at.resolve(name);
    byte[] block = new byte[4096];
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      return filler;
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    SystemCommands.run(List.of("umount", "-l", at.toString()));
  }
}
