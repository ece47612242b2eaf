package io.fleetrotate.proto;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wire protocol version, {@code MAJOR.MINOR}. A minor bump only adds optional fields, which
 * older readers ignore; a major bump may break readers, so a document with another major version is
 * rejected outright rather than half understood.
 *
 * <p>1.1 adds the failure reason {@code LOCK_UNAVAILABLE} (on a SKIPPED event: a rotation deferred
 * while the lock service is unreachable) and the heartbeat's optional {@code lock} state.
 */
public final class ProtocolVersion {
  /** The version this build writes. */
  public static final String CURRENT = "1.1";

  static final int SUPPORTED_MAJOR = 1;

  // Bounded digit counts keep the major within int range and error messages short.
  private static final Pattern FORMAT =
      Pattern.compile("(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})");

  private ProtocolVersion() {}

  /** True if {@code version} is well formed and has the major version this build speaks. */
  public static boolean isSupported(String version) {
    return version != null && problemWith(version) == null;
  }

  /** The rule {@code version} breaks, or null if it is supported. */
  static String problemWith(String version) {
    Matcher matcher = FORMAT.matcher(version);
    if (!matcher.matches()) {
      return "must be MAJOR.MINOR, e.g. " + CURRENT;
    }
    int major = Integer.parseInt(matcher.group(1));
    if (major != SUPPORTED_MAJOR) {
      return "unsupported major version " + major + "; this build speaks " + SUPPORTED_MAJOR + ".x";
    }
    return null;
  }
}
