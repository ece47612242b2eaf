package io.fleetrotate.agent.rotate.live;

import io.fleetrotate.agent.os.Durable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** An uncompressed backup: the live file's bytes copied at the same offsets. */
final class RawBackup implements BackupWriter {
  private final FileHandle file;
  private final Durable durable;
  private long end;

  RawBackup(FileHandle file, Durable durable) {
    this.file = file;
    this.durable = durable;
  }

  @Override
  public Path path() {
    return file.path();
  }

  @Override
  public long end() {
    return end;
  }

  @Override
  public void append(FileHandle live, long to) throws IOException {
    while (end < to) {
      long n = live.copyTo(file, end, to);
      if (n <= 0) {
        // Nothing is copied past the end of the file: it shrank under us.
        LiveFileMover.sizeNotBelow(live, to, live.path());
        throw new IOException("copying " + live.path() + " made no progress at byte " + end);
      }
      end += n;
    }
  }

  @Override
  public void appendQuickly(FileHandle live, long to) throws IOException {
    append(live, to);
  }

  @Override
  public void appendBytes(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      end += file.write(bytes, end);
    }
  }

  @Override
  public void fsync() throws IOException {
    durable.fsync(file.path(), () -> file.force(true));
  }

  @Override
  public void discard() throws IOException {
    Files.deleteIfExists(file.path());
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
