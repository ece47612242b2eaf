package io.fleetrotate.proto;

/**
 * A wire document this build does not accept, naming where and why: {@code "$.disks[0].usedBytes:
 * must be >= 0"}.
 *
 * <p>Every decode failure is this one type, whatever the cause (malformed JSON, a missing or
 * mistyped field, a value out of range, an unsupported protocol major version). It is checked
 * because the bytes come from another process: each caller must decide what a bad document means to
 * it (the coordinator answers 400 with {@link #getMessage()}, the agent logs and drops a bad
 * reply). No stack trace is recorded: the path and rule are the whole story.
 */
public final class WireFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String rule;

  WireFormatException(String path, String rule) {
    super(path + ": " + rule, null, false, false);
    this.path = path;
    this.rule = rule;
  }

  /**
   * Where the problem is, as a JSON path from the document root: {@code $}, {@code $.nodeId},
   * {@code $.files[3].path}, {@code $[2].eventId} for the third event of a batch.
   */
  public String path() {
    return path;
  }

  /** What is wrong and what is allowed, e.g. {@code must be >= 0}. */
  public String rule() {
    return rule;
  }
}
