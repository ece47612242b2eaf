package io.fleetrotate.proto;

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

  private ProtocolVersion() {}

  /** True if {@code version} is well formed and has the major version this build speaks. */
  public static boolean isSupported(String version) {
    return version != null && problemWith(version) == null;
  }

  /** The rule {@code version} breaks, or null if it is supported. */
  static String problemWith(String version) {
    // MAJOR.MINOR, each 0 or up to 9 digits without a leading zero (so the major fits an int):
    // checked by hand rather than by a regex, since every event carries a version.
    int dot = version.indexOf('.');
    if (dot < 0 || !isNumber(version, 0, dot) || !isNumber(version, dot + 1, version.length())) {
      return "must be MAJOR.MINOR, e.g. " + CURRENT;
    }
    int major = Integer.parseInt(version, 0, dot, 10);
    if (major != SUPPORTED_MAJOR) {
      return "unsupported major version " + major + "; this build speaks " + SUPPORTED_MAJOR + ".x";
    }
    return null;
  }

  /** Whether text[from, to) is 0 or 1 to 9 ASCII digits without a leading zero. */
  private static boolean isNumber(String text, int from, int to) {
    int length = to - from;
    if (length < 1 || length > 9 || length > 1 && text.charAt(from) == '0') {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
