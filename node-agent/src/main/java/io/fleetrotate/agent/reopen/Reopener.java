package io.fleetrotate.agent.reopen;

/**
 * Tells the MCP server to reopen its log file.
 *
 * <p>Implementations are safe to call repeatedly and from any thread, one call at a time; each call
 * blocks until the server was told or the configured timeout passed.
 */
public sealed interface Reopener
    permits SignalReopener, HttpReopener, CommandReopener, NoneReopener {

  /**
   * Tells the server to reopen its log.
   *
   * @throws ReopenFailure when the server could not be told; the message is one sentence naming
   *     what failed and what to check
   */
  void reopen() throws ReopenFailure;
}
