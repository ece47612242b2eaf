package io.fleetrotate.agent.report;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The two fsyncs that make an outbox file durable. A seam so that a test can record the order of
 * fsyncs, renames and sends exactly instead of guessing it from timing.
 */
interface OutboxSync {
  OutboxSync FSYNC =
      new OutboxSync() {
        @Override
        public void file(Path file, FileChannel channel) throws IOException {
          channel.force(true);
        }

        @Override
        public void directory(Path dir) throws IOException {
          try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
          }
        }
      };

  /** Makes the bytes written to {@code channel} durable; {@code file} names it, for tests. */
  void file(Path file, FileChannel channel) throws IOException;

  /** Makes a directory's entries (creations, renames, deletions) durable. */
  void directory(Path dir) throws IOException;
}
