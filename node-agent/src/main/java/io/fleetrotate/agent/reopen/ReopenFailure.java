package io.fleetrotate.agent.reopen;

/**
 * The MCP server could not be told to reopen its log. The message is one sentence meant for the
 * operator: what failed and what to check.
 */
public final class ReopenFailure extends Exception {

  public ReopenFailure(String message) {
    super(message);
  }

  public ReopenFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
