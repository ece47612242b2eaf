package io.fleetrotate.proto;

/**
 * The wire contract's rules for text, for values that arrive outside a wire document (a node id in
 * a URL path, a file path in an admin request), so they are held to the same rules.
 */
public final class WireText {
  private WireText() {}

  /** Why {@code value} is not a valid node id or group, or null if it is. */
  public static String idProblem(String value) {
    return problem(() -> Rules.id("id", value));
  }

  /** Why {@code value} is not a valid file path, or null if it is. */
  public static String pathProblem(String value) {
    return problem(() -> Rules.text("path", value, WireLimits.MAX_PATH_LENGTH));
  }

  private static String problem(Runnable check) {
    try {
      check.run();
      return null;
    } catch (InvalidFieldException e) {
      return e.rule();
    }
  }
}
