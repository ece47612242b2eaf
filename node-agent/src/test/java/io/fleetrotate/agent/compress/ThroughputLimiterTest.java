package io.fleetrotate.agent.compress;

import static io.fleetrotate.agent.compress.CompressionFixtures.MIB;
import static io.fleetrotate.agent.compress.CompressionFixtures.realisticLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  @Test
  void tenMebibytesAtFivePerSecondWaitTwoSecondsInEqualSteps() {
    FakeNanoClock clock = new FakeNanoClock();
    ThroughputLimiter limiter = ThroughputLimiter.forReads(5L * MIB, MIB, clock, clock);

    for (int i = 0; i < 10; i++) {
      limiter.acquire(MIB);
    }

    assertThat(clock.totalSleptNanos()).isCloseTo(2 * SECOND, within(1_000L));
    assertThat(clock.sleeps())
        .hasSize(10)
        .allSatisfy(n -> assertThat(n).isCloseTo(SECOND / 5, within(10L)));
  }

  @Test
  void timeSpentWorkingCountsTowardsTheRate() {
    FakeNanoClock clock = new FakeNanoClock();
    ThroughputLimiter limiter = ThroughputLimiter.forReads(5L * MIB, MIB, clock, clock);

    limiter.acquire(MIB);
    clock.advance(SECOND / 10); // compressing that chunk took 100 ms
    limiter.acquire(MIB);

    assertThat(clock.sleeps()).containsExactly(SECOND / 5, SECOND / 10);
  }

  @Test
  void idleTimeBuysAtMostOneSecondOfBurst() {
    FakeNanoClock clock = new FakeNanoClock();
    ThroughputLimiter limiter = ThroughputLimiter.forReads(5L * MIB, MIB, clock, clock);

    clock.advance(60 * SECOND);
    for (int i = 0; i < 5; i++) {
      limiter.acquire(MIB);
    }
    assertThat(clock.sleeps()).isEmpty();

    limiter.acquire(MIB);
    assertThat(clock.sleeps()).containsExactly(SECOND / 5);
  }

  @Test
  void burstIsAtLeastOneReadBufferWhenTheRateIsTiny() {
    FakeNanoClock clock = new FakeNanoClock();
    ThroughputLimiter limiter = ThroughputLimiter.forReads(64 * 1024, MIB, clock, clock);

    clock.advance(3600 * SECOND);
    limiter.acquire(MIB);
    limiter.acquire(MIB);

    assertThat(clock.sleeps()).containsExactly(16 * SECOND);
  }

  @Test
  void compressorWaitsAsTheLimitRequiresWithoutReallySleeping() throws Exception {
    Path source = realisticLog(dir, "server.log", 10);
    FakeNanoClock clock = new FakeNanoClock();
    Compressor compressor = new CompressorBuilder().clock(clock).build();

    CompressionResult result =
        compressor.compress(
            source,
            dir.resolve("server.log.zst"),
            CompressionRequest.zstd(3).withMaxBytesPerSecond(5L * MIB),
            ProgressListener.NONE);

    // The generator overshoots 10 MiB by up to one line: about 2 s at 5 MiB/s.
    long expectedNanos = Files.size(source) * SECOND / (5L * MIB);
    assertThat(expectedNanos).isCloseTo(2 * SECOND, within(SECOND / 1000));
    assertThat(clock.totalSleptNanos()).isCloseTo(expectedNanos, within(1_000L));
    assertThat(result.elapsed()).isEqualTo(Duration.ofNanos(clock.totalSleptNanos()));
  }

  @Test
  void unlimitedRequestNeverSleeps() throws Exception {
    Path source = realisticLog(dir, "server.log", 3);
    Compressor compressor =
        new CompressorBuilder()
            .sleeper(
                nanos -> {
                  throw new AssertionError("slept " + nanos + " ns without a limit");
                })
            .build();

    CompressionResult result =
        compressor.compress(
            source,
            dir.resolve("server.log.zst"),
            CompressionRequest.zstd(3),
            ProgressListener.NONE);

    assertThat(result.bytesIn()).isEqualTo(Files.size(source));
  }
}
