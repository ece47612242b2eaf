package io.fleetrotate.agent.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/** Files to compress, and the real tools that check what was written. */
final class CompressionFixtures {

  static final int MIB = 1 << 20;

  private CompressionFixtures() {}

  static Path randomFile(Path dir, String name, int bytes, long seed) throws IOException {
    byte[] content = new byte[bytes];
    new Random(seed).nextBytes(content);
    return Files.write(dir.resolve(name), content);
  }

  /** A structured MCP server log from the project's own generator, deterministic per size. */
  static Path realisticLog(Path dir, String name, double mib) throws IOException {
    Path out = dir.resolve(name);
    run(List.of("python3", generator().toString(), out.toString(), Double.toString(mib)));
    return out;
  }

  /** Half log text, half random bytes, so both codec paths (matches, literals) are exercised. */
  static Path mixedFile(Path dir, String name, double mib) throws IOException {
    Path log = realisticLog(dir, name + ".part", mib / 2);
    Path out = dir.resolve(name);
    byte[] noise = new byte[MIB];
    Random random = new Random(7);
    try (OutputStream o = Files.newOutputStream(out);
        InputStream i = Files.newInputStream(log)) {
      byte[] text = new byte[MIB];
      int n;
      while ((n = i.readNBytes(text, 0, text.length)) > 0) {
        o.write(text, 0, n);
        random.nextBytes(noise);
        o.write(noise, 0, n);
      }
    }
    Files.delete(log);
    return out;
  }

  private static Path generator() {
    String shared = System.getenv("FLEETROTATE_SHARED_DIR");
    Path script = Path.of(shared == null ? "/work/shared" : shared, "tools", "gen-mcp-log.py");
    assertThat(script)
        .as("log generator (set FLEETROTATE_SHARED_DIR to the project's shared/ folder)")
        .isRegularFile();
    return script;
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[MIB];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Decompresses with the real {@code zstd} CLI, which also verifies the frame checksum. */
  static Path zstdCliDecompress(Path compressed) throws IOException {
    Path out = compressed.resolveSibling(compressed.getFileName() + ".zstd-d");
    run(List.of("zstd", "-d", "-q", "-f", "-o", out.toString(), compressed.toString()));
    return out;
  }

  static Path zstdCliCompress(Path source, int level) throws IOException {
    Path out = source.resolveSibling(source.getFileName() + ".cli.zst");
    run(List.of("zstd", "-" + level, "-T1", "-q", "-f", "-o", out.toString(), source.toString()));
    return out;
  }

  /** What {@code zstd -lv} says about a frame (content size, checksum type). */
  static String zstdCliList(Path compressed) throws IOException {
    return run(List.of("zstd", "-lv", compressed.toString()));
  }

  static Path gunzipWithJdk(Path compressed) throws IOException {
    Path out = compressed.resolveSibling(compressed.getFileName() + ".jdk-gunzip");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(compressed), 1 << 16);
        OutputStream o = Files.newOutputStream(out)) {
      in.transferTo(o);
    }
    return out;
  }

  static Path gunzipWithCli(Path compressed) throws IOException {
    Path out = compressed.resolveSibling(compressed.getFileName() + ".gzip-d");
    run(List.of("sh", "-c", "gzip -d -c \"$0\" > \"$1\"", compressed.toString(), out.toString()));
    return out;
  }

  static boolean startsWith(Path file, int... magic) throws IOException {
    byte[] head = new byte[magic.length];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, head.length) < head.length) {
        return false;
      }
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  static final int[] ZSTD_MAGIC = {0x28, 0xb5, 0x2f, 0xfd};
  static final int[] GZIP_MAGIC = {0x1f, 0x8b};

  /** Runs a command, fails the test with its output if it exits non-zero, returns stdout+err. */
  static String run(List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + command, e);
    }
    assertThat(process.exitValue()).as("exit code of %s, output:%n%s", command, output).isZero();
    return output;
  }
}
