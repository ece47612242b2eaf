package io.fleetrotate.coordinator.metrics;

import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A scrape's text as a list of buffers of about {@link #CHUNK_BYTES} each, written to the response
 * one after the other. At ten thousand nodes the text is several megabytes: held in one array, and
 * copied from a builder to a string to bytes, each copy was a humongous object for a 384 MiB heap's
 * collector, which ran a collection per scrape. Chunks this size stay young and are never copied.
 */
public final class Exposition extends OutputStream {
  /** Well under half a G1 region (1 MiB at the smallest heaps): never a humongous allocation. */
  static final int CHUNK_BYTES = 128 * 1024;

  private final List<Buffer> chunks = new ArrayList<>();
  private Buffer current = Buffer.buffer(CHUNK_BYTES + 1024);
  private long length;

  @Override
  public void write(int b) {
    current.appendByte((byte) b);
    filled();
  }

  @Override
  public void write(byte[] b) {
    write(b, 0, b.length);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    while (len > 0) {
      int n = Math.min(len, CHUNK_BYTES);
      current.appendBytes(b, off, n);
      off += n;
      len -= n;
      filled();
    }
  }

  private void filled() {
    if (current.length() >= CHUNK_BYTES) {
      length += current.length();
      chunks.add(current);
      current = Buffer.buffer(CHUNK_BYTES + 1024);
    }
  }

  /** Every chunk, in order; the last may be empty. Call once, after the last write. */
  public List<Buffer> chunks() {
    length += current.length();
    chunks.add(current);
    current = Buffer.buffer(0);
    return Collections.unmodifiableList(chunks);
  }

  /** The bytes written, as {@code Content-Length} says them. */
  public long length() {
    return length + current.length();
  }

  /** The whole text as one string: for tests and small fleets. */
  public String text() {
    Buffer all = Buffer.buffer((int) Math.min(Integer.MAX_VALUE - 8, length()));
    chunks.forEach(all::appendBuffer);
    return all.appendBuffer(current).toString(StandardCharsets.UTF_8);
  }
}
