package io.fleetrotate.agent.migrate;

/**
 * A logrotate directive the import could not carry over exactly, and why.
 *
 * @param where the file and line of the directive, e.g. {@code /etc/logrotate.d/nginx:7}
 * @param directive the directive as logrotate names it, e.g. {@code mail}
 * @param reason one sentence: what the agent does instead, and what to do about it
 */
public record ImportWarning(String where, String directive, String reason) {
  @Override
  public String toString() {
    return where + ": " + directive + ": " + reason;
  }
}
