package io.fleetrotate.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentMetricsTest {
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
}
