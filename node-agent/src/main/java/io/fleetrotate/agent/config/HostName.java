package io.fleetrotate.agent.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The machine's host name, for {@code ${HOSTNAME}} and the default {@code node.id}. */
final class HostName {
  private HostName() {}

  /**
   * The kernel's host name on Linux; elsewhere, or if unreadable, the local address' name. The
   * kernel file comes first because {@code InetAddress.getLocalHost()} fails in containers whose
   * host name does not resolve.
   */
  static Optional<String> ofMachine() {
    try {
      String kernel =
          Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
      if (!kernel.isEmpty()) {
        return Optional.of(kernel);
      }
    } catch (IOException | SecurityException e) {
      // Not Linux, or not readable: try the resolver below.
    }
    try {
      return Optional.of(InetAddress.getLocalHost().getHostName()).filter(n -> !n.isBlank());
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
