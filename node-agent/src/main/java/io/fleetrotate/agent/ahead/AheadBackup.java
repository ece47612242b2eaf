package io.fleetrotate.agent.ahead;

import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.RangeSource;
import io.fleetrotate.agent.os.Durable;
import io.fleetrotate.agent.rotate.live.BackupWriter;
import io.fleetrotate.agent.rotate.live.FileHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A compressed backup being written from a claimed compress-ahead partial: its frames hold the
 * first {@link #end()} bytes of the log, and each append adds frames of the bytes that follow, read
 * by descriptor. What {@link #fsync} has made durable decodes, with any zstd or gzip, to exactly
 * the log's bytes {@code [0, end())}. Its frames share one zstd context ({@link
 * Compressor#keepingFrames()}), freed by {@link #close()}; used on one thread.
 */
public final class AheadBackup implements BackupWriter {
  private final Path file;
  private final FileChannel out;
  private final Compressor compressor;
  private final CompressionRequest request;
  private final long frameSpan;
  private long end;

  AheadBackup(
      Path file,
      FileChannel out,
      Compressor compressor,
      CompressionRequest request,
      long frameSpan,
      long covered) {
    this.file = file;
    this.out = out;
    this.compressor = compressor;
    this.request = request;
    this.frameSpan = frameSpan;
    this.end = covered;
  }

  @Override
  public Path path() {
    return file;
  }

  @Override
  public long end() {
    return end;
  }

  /** The compressed bytes written so far. */
  public long compressedSize() throws IOException {
    return out.size();
  }

  @Override
  public void append(FileHandle live, long to) throws IOException {
    appendFrom(live::read, to);
  }

  /** Appends {@code source}'s bytes {@code [end(), to)}, compressed one span at most at a time. */
  void appendFrom(RangeSource source, long to) throws IOException {
    for (long at = end; at < to; at += frameSpan) {
      compressor.appendFrame(source, at, Math.min(to, at + frameSpan), out, request);
    }
    end = Math.max(end, to);
  }

  @Override
  public void appendQuickly(FileHandle live, long to) throws IOException {
    if (to > end) {
      compressor.appendStoredFrame(live::read, end, to, out, request.codec());
      end = to;
    }
  }

  @Override
  public void appendBytes(ByteBuffer bytes) throws IOException {
    ByteBuffer held = bytes.slice();
    int n = held.remaining();
    compressor.appendFrame(
        (dst, at) -> {
          if (at >= n) {
            return -1;
          }
          ByteBuffer part = held.duplicate().position((int) at);
          part.limit((int) Math.min(n, at + dst.remaining()));
          int read = part.remaining();
          dst.put(part);
          return read;
        },
        0,
        n,
        out,
        request);
    bytes.position(bytes.limit());
    end += n;
  }

  @Override
  public void fsync() throws IOException {
    Durable.SYSTEM.fsync(file, () -> out.force(true));
  }

  @Override
  public void discard() throws IOException {
    Files.deleteIfExists(file);
  }

  /** Closes the backup file and frees the zstd context its frames were compressed with. */
  @Override
  public void close() throws IOException {
    try {
      out.close();
    } finally {
      compressor.release();
    }
  }
}
