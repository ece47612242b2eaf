package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.rotate.live.FileHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMetricsTest {
  @TempDir Path dir;

  @Test
  void theDaemonsMetricsRecordWhatHappened() {
    AgentMetrics metrics = new AgentMetrics();
    metrics.recordDisk("/var/log", 0.5);
    assertThat(metrics.scrape()).contains("fleetrotate_disk_used_ratio{mount=\"/var/log\"} 0.5");
  }

  @Test
  void aOneShotCommandsMetricsRecordNothing() {
    AgentMetrics metrics = AgentMetrics.oneShot();
    metrics.recordDisk("/var/log", 0.5);
    assertThat(metrics.scrape()).doesNotContain("fleetrotate_disk_used_ratio");
  }

  @Test
  void aPartialHandedOverIsCountedWithTheBytesItCovered() throws Exception {
    AgentMetrics metrics = new AgentMetrics();
    String before = metrics.scrape();
    Path live = dir.resolve("server.log");
    Files.writeString(live, "{\"seq\":1,\"msg\":\"compress me ahead\"}\n".repeat(600)); // 22 KB
    long span = AheadPartial.MIN_FRAME_SPAN;
    AheadPartial partial = AheadPartial.of(live, dir.resolve("state"), new Compressor(), span);
    CompressionRequest zstd = CompressionRequest.zstd(3);
    while (partial.advance(zstd)) {
      // one frame per call
    }
    try (FileHandle source = FileHandle.openForReading(live)) {
      assertThat(
              partial.handOver(
                  source::read,
                  source.opened().identity(),
                  source.size(),
                  dir.resolve("server.log.1.zst.tmp"),
                  zstd))
          .isPresent();
    }

    String after = metrics.scrape();
    long covered = Files.size(live) / span * span;
    assertThat(value(after, "fleetrotate_agent_ahead_handovers_total"))
        .isEqualTo(value(before, "fleetrotate_agent_ahead_handovers_total") + 1);
    assertThat(value(after, "fleetrotate_agent_ahead_reused_bytes_total"))
        .isEqualTo(value(before, "fleetrotate_agent_ahead_reused_bytes_total") + covered);
  }

  private static double value(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as(name + " in\n" + scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
