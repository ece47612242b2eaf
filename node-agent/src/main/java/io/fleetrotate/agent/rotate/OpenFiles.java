package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.os.ProcFs;
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
  private OpenFiles() {}

  static boolean available() {
    return Files.isDirectory(ProcFs.PROC.resolve("self/fd"));
  }

  /** Process ids holding {@code file} open, excluding this process. */
  static List<Long> holders(Path file) {
    List<Long> pids = new ArrayList<>();
    Path target = file.toAbsolutePath().normalize();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(ProcFs.PROC, ProcFs::isPid)) {
      for (Path proc : procs) {
        long pid = Long.parseLong(proc.getFileName().toString());
        if (pid != self
            && ProcFs.anyDescriptor(pid, fd -> Files.readSymbolicLink(fd).equals(target))) {
          pids.add(pid);
        }
      }
    } catch (IOException e) {
      // No /proc: nobody can be seen holding anything.
    }
    return pids;
  }
}
