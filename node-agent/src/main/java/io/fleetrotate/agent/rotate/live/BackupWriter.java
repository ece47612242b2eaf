package io.fleetrotate.agent.rotate.live;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Where {@link LiveFileMover} puts the bytes it moves out of a live file: a new uncompressed file
 * the mover creates, or a compressed backup that a compress-ahead partial already holds the start
 * of. The backup holds the live file's bytes {@code [0, end())}, in order; each append continues
 * from {@link #end()} and reads the live file by descriptor.
 *
 * <p>Nothing appended is durable before {@link #fsync}. Closing releases the file; {@link #discard}
 * removes it (only ever while the live file is unchanged).
 */
public interface BackupWriter extends Closeable {

  /** What the backup will be called while it is written (for messages and the journal). */
  Path path();

  /** The live file's bytes the backup holds: {@code [0, end())}. */
  long end();

  /** Appends the live file's bytes {@code [end(), to)}: the bulk, moved before the cut. */
  void append(FileHandle live, long to) throws IOException;

  /**
   * As {@link #append}, as fast as a plain copy: the last bytes, moved right before a truncate,
   * when every microsecond spent is one in which the writer's appends can be lost.
   */
  void appendQuickly(FileHandle live, long to) throws IOException;

  /**
   * Appends bytes that are no longer at their place in the live file: the rest of a line cut by a
   * collapse, read from the live file's new head.
   */
  void appendBytes(ByteBuffer bytes) throws IOException;

  /** Makes everything appended so far durable. */
  void fsync() throws IOException;

  /** Removes the backup: the live file did not change, so nothing depends on it. */
  void discard() throws IOException;
}
