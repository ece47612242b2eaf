package io.fleetrotate.agent.ahead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.rotate.live.FileHandle;
import io.fleetrotate.agent.rotate.live.LiveFileMover;
import io.fleetrotate.agent.rotate.live.LiveMoveMethod;
import io.fleetrotate.agent.rotate.live.MoveResult;
import io.fleetrotate.agent.rotate.live.SharedTools.LossCount;
import io.fleetrotate.agent.rotate.live.SharedTools.SeqWriter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * copytruncate into the compressed backup begun from a partial, while the sequence writer appends
 * (the same load as {@code LiveFileMoverUnderLoadTest}'s plain copy): no line is doubled, and the
 * lines lost in the truncate windows stay as few as with the plain copy, because the last bytes go
 * in as stored frames, at the speed of a copy.
 */
class AheadBackupUnderLoadTest {
  private static final int SPAN = 256 * 1024;
  private static final int ROTATIONS = 5;
  private static final long ROTATE_AT_BYTES = 768 * 1024;

  @TempDir Path dir;

  @Test
  void copyTruncateFromThePartialLosesOnlyTheLinesOfTheFinalWindows() throws Exception {
    Path live = dir.resolve("server.log");
    CompressionRequest zstd = CompressionRequest.zstd(3);
    Compressor compressor = new Compressor();
    LiveFileMover mover = new LiveFileMover();
    List<Path> files = new ArrayList<>();
    List<MoveResult> results = new ArrayList<>();
    long last;
    try (SeqWriter writer = SeqWriter.start(live, 20_000, 3)) {
      for (int i = 1; i <= ROTATIONS; i++) {
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> Files.exists(live) && Files.size(live) >= ROTATE_AT_BYTES);
        AheadPartial partial = new AheadPartial(live, live.getParent(), compressor, SPAN);
        while (partial.advance(zstd)) {
          // whole spans only
        }
        Path backup = dir.resolve("server.log." + i + ".zst");
        try (FileHandle handle = FileHandle.openExisting(live)) {
          AheadBackup into =
              partial
                  .claim(handle::read, handle.opened().identity(), handle.size(), backup, zstd)
                  .orElseThrow();
          assertThat(into.end()).as("covered ahead").isGreaterThanOrEqualTo(2L * SPAN);
          results.add(
              mover.move(handle, into, LiveMoveMethod.COPY_TRUNCATE, LiveFileMover.BeforeCut.NONE));
        }
        Path decoded = dir.resolve("server.log." + i);
        try (InputStream in = Codec.ZSTD.decoding(Files.newInputStream(backup))) {
          Files.copy(in, decoded);
        }
        files.add(decoded);
      }
      assertThat(writer.isRunning()).as("the writer ran through all rotations").isTrue();
      last = writer.lastSequenceNumber(Duration.ofSeconds(30));
    }
    files.add(live);
    LossCount loss = LossCount.over(last, files);
    System.out.printf(
        "[figure] copytruncate from the partial under load: %d lines, %d rotations:"
            + " missing=%d duplicated=%d (%.3f%%), bytes seen lost=%d%n",
        loss.lines(),
        ROTATIONS,
        loss.missing(),
        loss.duplicated(),
        100.0 * loss.missing() / loss.lines(),
        results.stream().mapToLong(MoveResult::bytesKnownLost).sum());
    assertThat(loss.duplicated()).isZero();
    // The plain copy's bound in LiveFileMoverUnderLoadTest, under the same load.
    assertThat(loss.missing()).isLessThan(last / 50);
    for (int i = 0; i < ROTATIONS; i++) {
      assertThat(Files.size(files.get(i)))
          .as("each backup decodes to what was moved")
          .isEqualTo(results.get(i).bytesCopied());
    }
  }
}
