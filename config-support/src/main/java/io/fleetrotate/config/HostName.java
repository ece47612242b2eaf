package io.fleetrotate.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The machine's host name, for {@code ${HOSTNAME}} and the agent's default {@code node.id}. */
public final class HostName {
  private HostName() {}

  /**
   * The kernel's host name on Linux; elsewhere, or if unreadable, the local address' name. The
   * kernel file comes first because {@code InetAddress.getLocalHost()} fails in containers whose
   * host name does not resolve.
   */
  public static Optional<String> ofMachine() {
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

  /**
   * {@code HOSTNAME} from {@code env} when set and not empty, else {@code machine}; asked at most
   * once, since the machine's name may need a resolver.
   */
  public static Supplier<Optional<String>> from(
      Map<String, String> env, Supplier<Optional<String>> machine) {
    return new Supplier<>() {
      private Optional<String> value;

      @Override
      public synchronized Optional<String> get() {
        if (value == null) {
          value = Optional.ofNullable(env.get("HOSTNAME")).filter(h -> !h.isEmpty()).or(machine);
        }
        return value;
      }
    };
  }
}
