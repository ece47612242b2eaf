package io.fleetrotate.agent.rotate;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which processes hold a file open, read from {@code /proc/<pid>/fd} (what {@code fuser} does). The
 * kernel keeps those links pointing at a file across renames, so after a rename and a reopen signal
 * this tells whether the server has really let go of the backup. Processes the agent may not
 * inspect are invisible; run the agent as the log owner or root.
 */
final class OpenFiles {
  private static final Path PROC = Path.of("/proc");

  private OpenFiles() {}

  static boolean available() {
    return Files.isDirectory(PROC.resolve("self/fd"));
  }

  /** Process ids holding {@code file} open, excluding this process. */
  static List<Long> holders(Path file) {
    List<Long> pids = new ArrayList<>();
    Path target = file.toAbsolutePath().normalize();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, OpenFiles::isPid)) {
      for (Path proc : procs) {
        long pid = Long.parseLong(proc.getFileName().toString());
        if (pid != self && holds(proc.resolve("fd"), target)) {
          pids.add(pid);
        }
      }
    } catch (IOException e) {
      // No /proc: nobody can be seen holding anything.
    }
    return pids;
  }

  private static boolean isPid(Path p) {
    String name = p.getFileName().toString();
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }

  private static boolean holds(Path fdDir, Path target) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).equals(target)) {
            return true;
          }
        } catch (IOException | UnsupportedOperationException gone) {
          // The descriptor closed while we looked, or is not a path.
        }
      }
    } catch (IOException notOursToSee) {
      // Another user's process, or it exited.
    }
    return false;
  }
}
