package io.fleetrotate.agent.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading other processes' open descriptors from {@code /proc/PID/fd}, as fuser and lsof do. */
public final class ProcFs {
  public static final Path PROC = Path.of("/proc");

  private ProcFs() {}

  /** A check of one descriptor's magic link ({@code /proc/PID/fd/N}). */
  @FunctionalInterface
  public interface DescriptorCheck {
    boolean matches(Path descriptor) throws IOException;
  }

  /** This host's name as the kernel has it, without resolving it; "localhost" if unreadable. */
  public static String hostname() {
    try {
      return Files.readString(PROC.resolve("sys/kernel/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      return "localhost";
    }
  }

  /**
   * Whether one of {@code pid}'s open descriptors passes {@code check}. Descriptors that close
   * while being looked at, or that are not files, do not match; a process the agent may not inspect
   * (another user's, when the agent is not root) or that has exited has none.
   */
  public static boolean anyDescriptor(long pid, DescriptorCheck check) {
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
      for (Path fd : fds) {
        try {
          if (check.matches(fd)) {
            return true;
          }
        } catch (IOException | RuntimeException closedMeanwhile) {
          // Closed while listing, or a socket or pipe: not a file.
        }
      }
    } catch (IOException notOursToSee) {
      // Another user's process, or it exited.
    }
    return false;
  }

  /** Whether {@code name} is a process directory of {@code /proc}. */
  public static boolean isPid(Path name) {
    String s = name.getFileName().toString();
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
  }
}
