package io.fleetrotate.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the host's commands that fixtures need (mount, umount, mkfs and the like). */
public final class SystemCommands {
  private SystemCommands() {}

  /** Runs a command; returns "" on success, else what it printed and its status. */
  public static String run(List<String> command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return command.get(0) + ": " + e.getMessage();
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = p.waitFor();
    return status == 0 ? "" : String.join(" ", command) + " exited " + status + ": " + output;
  }
}
