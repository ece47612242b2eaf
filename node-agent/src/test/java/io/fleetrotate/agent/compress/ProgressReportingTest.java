package io.fleetrotate.agent.compress;

import static io.fleetrotate.agent.compress.CompressionFixtures.MIB;
import static io.fleetrotate.agent.compress.CompressionFixtures.realisticLog;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressReportingTest {

  @TempDir Path dir;

  private record Report(long done, long total) {}

  @Test
  void compressorReportsIncreasingProgressEndingAtTheTotal() throws Exception {
    Path source = realisticLog(dir, "server.log", 12);
    long size = Files.size(source);
    List<Report> reports = new ArrayList<>();
    // Every clock reading is 100 ms later, so the 250 ms rule fires every few chunks.
    Compressor compressor = new CompressorBuilder().clock(new FakeNanoClock(100_000_000L)).build();

    compressor.compress(
        source,
        dir.resolve("server.log.zst"),
        CompressionRequest.zstd(3),
        (done, total) -> reports.add(new Report(done, total)));

    assertThat(reports).hasSizeBetween(3, 12);
    assertThat(reports).allSatisfy(r -> assertThat(r.total()).isEqualTo(size));
    assertThat(reports)
        .extracting(Report::done)
        .isSortedAccordingTo(Long::compare)
        .doesNotHaveDuplicates();
    assertThat(reports.get(reports.size() - 1).done()).isEqualTo(size);
  }

  @Test
  void progressNeverGoesBackwardsWhenGzipRereadsAfterAZstdFailure() throws Exception {
    Path source = realisticLog(dir, "server.log", 8);
    long size = Files.size(source);
    List<Report> reports = new ArrayList<>();
    Compressor compressor =
        new CompressorBuilder()
            .clock(new FakeNanoClock(300_000_000L)) // every chunk is reportable
            .zstdEncoders(
                FailingEncoders.failingAfter(
                    ZstdStreamEncoder.factory(0),
                    5L * MIB,
                    () -> new IllegalStateException("injected")))
            .build();

    CompressionResult result =
        compressor.compress(
            source,
            dir.resolve("server.log.tmp"),
            CompressionRequest.zstd(3),
            (done, total) -> reports.add(new Report(done, total)));

    assertThat(result.codecUsed()).isEqualTo(Codec.GZIP);
    assertThat(reports)
        .extracting(Report::done)
        .contains(5L * MIB)
        .isSortedAccordingTo(Long::compare)
        .doesNotHaveDuplicates();
    assertThat(reports.get(reports.size() - 1).done()).isEqualTo(size);
  }

  @Test
  void withoutTimePassingReportsComeEvery64MebibytesAndAtTheEnd() {
    List<Report> reports = new ArrayList<>();
    ProgressThrottle throttle =
        new ProgressThrottle((d, t) -> reports.add(new Report(d, t)), 200L * MIB, () -> 0L);

    for (long done = MIB; done <= 200L * MIB; done += MIB) {
      throttle.advanced(done);
    }
    throttle.finished(200L * MIB);

    assertThat(reports)
        .extracting(Report::done)
        .containsExactly(64L * MIB, 128L * MIB, 192L * MIB, 200L * MIB);
  }

  @Test
  void finalReportIsNotRepeatedWhenTheLastChunkWasAlreadyReported() {
    List<Report> reports = new ArrayList<>();
    ProgressThrottle throttle =
        new ProgressThrottle((d, t) -> reports.add(new Report(d, t)), 64L * MIB, () -> 0L);

    throttle.advanced(64L * MIB);
    throttle.finished(64L * MIB);

    assertThat(reports).containsExactly(new Report(64L * MIB, 64L * MIB));
  }

  @Test
  void emptySourceStillGetsOneFinalReport() throws Exception {
    Path source = Files.createFile(dir.resolve("empty.log"));
    List<Report> reports = new ArrayList<>();

    new Compressor()
        .compress(
            source,
            dir.resolve("empty.log.gz"),
            CompressionRequest.gzip(6),
            (done, total) -> reports.add(new Report(done, total)));

    assertThat(reports).containsExactly(new Report(0, 0));
  }
}
