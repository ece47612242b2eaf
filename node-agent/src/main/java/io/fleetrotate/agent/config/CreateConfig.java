package io.fleetrotate.agent.config;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The fresh log file, when the agent creates it ({@code files[].create}); each part unset keeps
 * what the rotated file had.
 *
 * @param mode permission bits 0..0777 (written in octal, {@code "0640"})
 * @param owner user name or numeric uid
 * @param group group name or numeric gid
 */
public record CreateConfig(OptionalInt mode, Optional<String> owner, Optional<String> group) {
  public static final CreateConfig DEFAULT =
      new CreateConfig(OptionalInt.empty(), Optional.empty(), Optional.empty());

  // Indexed by bit, lowest first: others-execute is bit 0, owner-read is bit 8.
  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE,
    PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE,
    PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE,
    PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ,
  };

  public CreateConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(group, "group");
    if (mode.isPresent() && (mode.getAsInt() < 0 || mode.getAsInt() > 0777)) {
      throw new IllegalArgumentException(
          "mode out of range: " + Integer.toOctalString(mode.getAsInt()));
    }
  }

  /** {@link #mode()} as the set {@code Files.setPosixFilePermissions} takes. */
  public Optional<Set<PosixFilePermission>> permissions() {
    if (mode.isEmpty()) {
      return Optional.empty();
    }
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < BITS.length; bit++) {
      if ((mode.getAsInt() & (1 << bit)) != 0) {
        set.add(BITS[bit]);
      }
    }
    return Optional.of(set);
  }
}
