package io.fleetrotate.agent.reopen;

import java.nio.file.Path;

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

  /**
   * Refuses early, before the log is moved aside, what {@link #reopen()} would refuse, so that a
   * server that cannot be told leaves the log where it was rather than moved and uncompressed.
   *
   * @param held the file the server writes now
   * @throws ReopenFailure as {@link #reopen()} would
   */
  default void check(Path held) throws ReopenFailure {}
}
