package io.fleetrotate.coordinator.metrics;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A scrape's text, written as bytes into arrays of {@link #CHUNK_BYTES} that go to the response one
 * after the other without being copied. At ten thousand nodes the text is several megabytes: built
 * in a {@code StringBuilder}, then copied to a string, to bytes and to a buffer, each copy was a
 * humongous object for a 384 MiB heap and most scrapes ran a collection. Chunks this size stay
 * young, and ASCII (every name, label and number) is written without allocating.
 */
public final class Exposition extends OutputStream {
  /** Well under half a G1 region (1 MiB at the smallest heaps): never a humongous allocation. */
  static final int CHUNK_BYTES = 128 * 1024;

  private final List<byte[]> full = new ArrayList<>();

  /** Room for a long, or 17 decimals, a point and up to 16 digits before it. */
  private final byte[] digits = new byte[40];

  private byte[] chunk = new byte[CHUNK_BYTES];
  private int pos;

  @Override
  public void write(int b) {
    if (pos == chunk.length) {
      full.add(chunk);
      chunk = new byte[CHUNK_BYTES];
      pos = 0;
    }
    chunk[pos++] = (byte) b;
  }

  @Override
  public void write(byte[] b) {
    write(b, 0, b.length);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    while (len > 0) {
      if (pos == chunk.length) {
        full.add(chunk);
        chunk = new byte[CHUNK_BYTES];
        pos = 0;
      }
      int n = Math.min(len, chunk.length - pos);
      System.arraycopy(b, off, chunk, pos, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /**
   * Appends {@code s}, which must be ASCII (the coordinator's own names and help texts): copied as
   * its chars' low bytes, which for ASCII is its UTF-8, in one array copy per chunk.
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for ASCII
  void ascii(String s) {
    int from = 0;
    while (from < s.length()) {
      if (pos == chunk.length) {
        full.add(chunk);
        chunk = new byte[CHUNK_BYTES];
        pos = 0;
      }
      int n = Math.min(s.length() - from, chunk.length - pos);
      s.getBytes(from, from + n, chunk, pos);
      pos += n;
      from += n;
    }
  }

  /**
   * Appends {@code v} as the text format reads it back, to the same double: a whole number without
   * a fraction, else the fewest decimals that parse back to {@code v} (found with a multiply and a
   * divide per digit instead of {@link Double#toString}'s slower, allocating conversion), else, for
   * very small or large values, {@link Double#toString}.
   */
  void number(double v) {
    if (Double.isNaN(v)) {
      ascii("NaN");
    } else if (Double.isInfinite(v)) {
      ascii(v > 0 ? "+Inf" : "-Inf");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      number((long) v);
    } else if (!decimal(v)) {
      ascii(Double.toString(v));
    }
  }

  /**
   * Writes {@code v} as m / 10^k for the least k at which that quotient is {@code v} itself: m and
   * 10^k are exact doubles (m below 2^53, k at most 17), so the division and the parse of the
   * decimal both round the same exact value, and the text reads back as {@code v}.
   */
  private boolean decimal(double v) {
    double a = Math.abs(v);
    if (!(a >= 1e-6 && a < 1e15)) {
      return false;
    }
    double scale = 1;
    for (int k = 1; k <= 17; k++) {
      scale *= 10;
      double m = Math.rint(a * scale);
      if (m >= 0x1p53) {
        return false;
      }
      if (m / scale == a) {
        if (v < 0) {
          write('-');
        }
        fixed((long) m, k);
        return true;
      }
    }
    return false;
  }

  /** Appends m / 10^k with k decimals, m >= 0. */
  private void fixed(long m, int k) {
    int n = digits.length;
    for (int i = 0; i < k; i++) {
      digits[--n] = (byte) ('0' + m % 10);
      m /= 10;
    }
    digits[--n] = '.';
    do {
      digits[--n] = (byte) ('0' + m % 10);
      m /= 10;
    } while (m > 0);
    write(digits, n, digits.length - n);
  }

  /** Appends {@code v} in decimal. */
  void number(long v) {
    if (v == Long.MIN_VALUE) {
      ascii(Long.toString(v));
      return;
    }
    if (v < 0) {
      write('-');
      v = -v;
    }
    int n = digits.length;
    do {
      digits[--n] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v > 0);
    write(digits, n, digits.length - n);
  }

  /** The bytes written from position {@code from} (a {@link #length()} taken earlier) on. */
  byte[] copySince(long from) {
    byte[] out = new byte[(int) (length() - from)];
    int done = 0;
    while (done < out.length) {
      long at = from + done;
      int index = (int) (at / CHUNK_BYTES);
      byte[] c = index < full.size() ? full.get(index) : chunk;
      int offset = (int) (at % CHUNK_BYTES);
      int end = index < full.size() ? CHUNK_BYTES : pos;
      int n = Math.min(out.length - done, end - offset);
      System.arraycopy(c, offset, out, done, n);
      done += n;
    }
    return out;
  }

  /** The bytes written, as {@code Content-Length} says them. */
  public long length() {
    return (long) full.size() * CHUNK_BYTES + pos;
  }

  /** Every chunk, in order, as buffers over the same arrays. Call after the last write. */
  public List<Buffer> chunks() {
    List<Buffer> out = new ArrayList<>(full.size() + 1);
    for (byte[] c : full) {
      out.add(BufferInternal.buffer(Unpooled.wrappedBuffer(c)));
    }
    out.add(BufferInternal.buffer(Unpooled.wrappedBuffer(chunk, 0, pos)));
    return out;
  }

  /**
   * This text compressed with gzip at the fastest level, for a scraper that accepts it: done here,
   * on the caller's worker thread, rather than by the HTTP server's compressor on an event loop.
   */
  public Exposition gzipped() {
    Exposition out = new Exposition();
    try (GZIPOutputStream gzip =
        new GZIPOutputStream(out, 64 * 1024) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        }) {
      for (byte[] c : full) {
        gzip.write(c, 0, c.length);
      }
      gzip.write(chunk, 0, pos);
    } catch (IOException e) {
      throw new UncheckedIOException("compressing in memory cannot fail", e);
    }
    return out;
  }

  /** The whole text as one string: for tests and small fleets. */
  public String text() {
    ByteArrayOutputStream all = new ByteArrayOutputStream((int) Math.min(1 << 30, length()));
    full.forEach(all::writeBytes);
    all.write(chunk, 0, pos);
    return all.toString(StandardCharsets.UTF_8);
  }
}
