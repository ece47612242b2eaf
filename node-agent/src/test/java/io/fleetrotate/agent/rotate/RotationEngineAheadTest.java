package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.rotate.live.TestFileSystems;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A rotation hands the compress-ahead partial over to the backup, for each way of moving the log:
 * the backup has the partial's frames plus the tail's, and the real {@code zstd -d} decodes it to
 * exactly the rotated bytes.
 */
class RotationEngineAheadTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T02:00:00Z"), ZoneOffset.UTC);
  private final CompressionRequest zstd = CompressionRequest.zstd(3);

  private static byte[] lines(int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = from; i < to; i++) {
      out.writeBytes(
          ("{\"seq\":" + i + ",\"msg\":\"tool call completed\",\"ms\":" + (i % 977) + "}\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  @ParameterizedTest
  @EnumSource(RotationSpec.Move.class)
  void theBackupIsThePartialPlusTheTail(RotationSpec.Move move) throws Exception {
    try (TestFileSystems.ScratchDir scratch = TestFileSystems.collapsing(dir)) {
      Path logs = Files.createDirectories(scratch.path().resolve("logs"));
      Path live = Files.write(logs.resolve("server.log"), lines(0, 700_000));
      AheadPartial partial = AheadPartial.of(live, new Compressor());
      int frames = 0;
      while (partial.advance(zstd)) {
        frames++;
      }
      assertThat(frames).as("whole 16 MiB spans of a %d-byte log", Files.size(live)).isEqualTo(2);
      Files.write(live, lines(700_000, 750_000), StandardOpenOption.APPEND);
      byte[] rotated = Files.readAllBytes(live);

      RotationOutcome o =
          new RotationEngine(
                  dir.resolve("state/journal"), clock, new Compressor(), new LiveFileMoverAdapter())
              .rotate(
                  TestSpecs.zstd(live, move), Trigger.SIZE, TestSpecs.LEASE, ProgressListener.NONE);

      assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
      Path backup = logs.resolve("server.log.20261121-020000.zst");
      byte[] decoded = run("zstd", "-dcq", backup.toString()).getBytes(StandardCharsets.ISO_8859_1);
      if (move == RotationSpec.Move.COLLAPSE) {
        // Collapse keeps the last partial block (and the rest of its line) in the live file.
        assertThat(decoded.length).isGreaterThan(rotated.length - 8192);
        assertThat(java.util.Arrays.copyOf(rotated, decoded.length)).isEqualTo(decoded);
      } else {
        assertThat(decoded).isEqualTo(rotated);
      }
      assertThat(run("zstd", "-lv", backup.toString()))
          .as("the partial's two frames were reused, the tail added as a third")
          .contains("# Zstandard Frames: 3");
      try (Stream<Path> left = Files.list(logs)) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .noneMatch(AheadPartial::isPartialFile);
      }
    }
  }
}
