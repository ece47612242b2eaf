/**
 * Telling the MCP server to reopen its log after the live file was renamed away.
 *
 * <p>A {@link io.fleetrotate.agent.reopen.Reopener} is built once from configuration and called
 * after each rename. It either returns, meaning the server was told, or throws {@link
 * io.fleetrotate.agent.reopen.ReopenFailure} with one sentence the engine can record as the reason
 * of a {@code REOPEN_FAILED} rotation. "Told" is all a reopener can promise: whether the server
 * really reopened shows only in the file it writes next.
 *
 * <ul>
 *   <li>{@link io.fleetrotate.agent.reopen.SignalReopener} sends a signal (HUP, USR1, ...) through
 *       libc {@code kill(2)}, to a fixed pid or to the pid read afresh from a pid file on every
 *       call, since the server may have restarted since the last rotation; only to a process that
 *       holds the log open or runs as its owner, never pid 1 or the agent, and never from a pid
 *       file that another user could have written.
 *   <li>{@link io.fleetrotate.agent.reopen.HttpReopener} calls an HTTP endpoint; any 2xx is
 *       success.
 *   <li>{@link io.fleetrotate.agent.reopen.CommandReopener} runs a command; exit status 0 is
 *       success, and its last output goes into the failure message.
 *   <li>{@link io.fleetrotate.agent.reopen.NoneReopener} does nothing, for servers that reopen by
 *       themselves or whose live file is copied rather than renamed.
 * </ul>
 */
package io.fleetrotate.agent.reopen;
