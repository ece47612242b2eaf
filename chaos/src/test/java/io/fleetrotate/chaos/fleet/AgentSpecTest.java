package io.fleetrotate.chaos.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentSpecTest {
  @Test
  void eachWitherChangesItsOwnComponentOnly() {
    AgentSpec base = AgentSpec.of("node-1");
    LockSpec redis = LockSpec.local().lease(Duration.ofSeconds(7));

    AgentSpec changed =
        base.group("g")
            .lock(redis)
            .checkInterval(Duration.ofMillis(500))
            .heartbeat(Duration.ofSeconds(3))
            .maxSize("1MiB")
            .retention(AgentSpec.Retention.keep(4).maxTotalSize(1024))
            .codec("gzip")
            .aheadFrame("4KiB")
            .rate(0);

    assertThat(changed)
        .isEqualTo(
            new AgentSpec(
                "node-1",
                "g",
                base.coordinator(),
                redis,
                Duration.ofMillis(500),
                Duration.ofSeconds(3),
                "1MiB",
                AgentSpec.Retention.keep(4).maxTotalSize(1024),
                "gzip",
                Optional.of("4KiB"),
                0));
    AgentSpec gzip = base.codec("gzip");
    assertThat(gzip.codec()).isEqualTo("gzip");
    assertThat(gzip).usingRecursiveComparison().ignoringFields("codec").isEqualTo(base);
    assertThat(base.keep(9).retention()).isEqualTo(AgentSpec.Retention.keep(9));
  }
}
