package io.fleetrotate.agent.compress;

import static io.fleetrotate.agent.compress.CompressionFixtures.MIB;
import static io.fleetrotate.agent.compress.CompressionFixtures.realisticLog;
import static io.fleetrotate.agent.compress.CompressionFixtures.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressorCancellationTest {

  @TempDir Path dir;

  @AfterEach
  void clearInterruptSoOtherTestsAreUnaffected() {
    Thread.interrupted();
  }

  @Test
  void interruptMidStreamAbortsDeletesThePartialTargetAndKeepsTheInterrupt() throws Exception {
    Path source = realisticLog(dir, "server.log", 8);
    String before = sha256(source);
    Path target = dir.resolve("server.log.zst.tmp");
    List<Long> progress = new ArrayList<>();
    // 300 ms per clock reading: the listener hears after the first chunk and "loses the lease".
    Compressor compressor = new CompressorBuilder().clock(new FakeNanoClock(300_000_000L)).build();

    assertThatThrownBy(
            () ->
                compressor.compress(
                    source,
                    target,
                    CompressionRequest.zstd(3),
                    (done, total) -> {
                      progress.add(done);
                      Thread.currentThread().interrupt();
                    }))
        .isInstanceOfSatisfying(
            CompressionFailure.class,
            f -> assertThat(f.reason()).isEqualTo(CompressionFailure.Kind.CANCELLED))
        .hasMessageContaining("interrupted");

    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(progress).containsExactly((long) Compressor.READ_BUFFER_BYTES);
    assertThat(target).doesNotExist();
    assertThat(sha256(source)).isEqualTo(before);
  }

  @Test
  void alreadyInterruptedThreadWritesNothing() throws Exception {
    Path source = realisticLog(dir, "server.log", 1);
    Path target = dir.resolve("server.log.gz.tmp");
    Thread.currentThread().interrupt();

    assertThatThrownBy(
            () ->
                new Compressor()
                    .compress(source, target, CompressionRequest.gzip(6), ProgressListener.NONE))
        .isInstanceOfSatisfying(
            CompressionFailure.class,
            f -> assertThat(f.reason()).isEqualTo(CompressionFailure.Kind.CANCELLED));
    assertThat(Thread.interrupted()).isTrue();
    assertThat(target).doesNotExist();
  }

  @Test
  void interruptWhileRateLimitedAbortsInsteadOfFallingBack() throws Exception {
    Path source = realisticLog(dir, "server.log", 4);
    Path target = dir.resolve("server.log.zst.tmp");
    FakeNanoClock clock = new FakeNanoClock();
    Compressor compressor =
        new CompressorBuilder()
            .clock(clock)
            .sleeper(
                nanos -> {
                  clock.sleepNanos(nanos);
                  Thread.currentThread().interrupt(); // the engine cancels during the wait
                })
            .build();

    assertThatThrownBy(
            () ->
                compressor.compress(
                    source,
                    target,
                    CompressionRequest.zstd(3).withMaxBytesPerSecond(MIB),
                    ProgressListener.NONE))
        .isInstanceOfSatisfying(
            CompressionFailure.class,
            f -> assertThat(f.reason()).isEqualTo(CompressionFailure.Kind.CANCELLED));
    assertThat(clock.sleeps()).hasSize(1);
    assertThat(target).doesNotExist();
  }

  @Test
  void parkingSleeperReturnsAtOnceForAnInterruptedThread() {
    Thread.currentThread().interrupt();
    long start = System.nanoTime();

    NanoSleeper.PARKING.sleepNanos(Duration.ofMinutes(10).toNanos());

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }
}
