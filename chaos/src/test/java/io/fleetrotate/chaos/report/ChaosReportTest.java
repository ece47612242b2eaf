package io.fleetrotate.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.chaos.scenario.ScenarioResult;
import io.fleetrotate.chaos.scenario.ScenarioResult.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosReportTest {
  @TempDir Path dir;

  private static ScenarioResult result(String name, Status status, List<String> violations) {
    return new ScenarioResult(
        name, status, 40, 42, List.of("1.0s kill -9 redis-server"), violations, List.of(), 30.5);
  }

  @Test
  void theJsonCarriesTheSeedAndEveryScenario() throws Exception {
    ChaosReport report =
        new ChaosReport(
            42,
            "quick",
            100,
            List.of(
                result("redis-pause", Status.PASSED, List.of()),
                ScenarioResult.notRun("clock-jump", "no clock hook")));
    Path json = report.write(dir);
    JsonNode j = new ObjectMapper().readTree(Files.readString(json));
    assertThat(j.path("seed").asLong()).isEqualTo(42);
    assertThat(j.path("scenarios")).hasSize(2);
    JsonNode first = j.path("scenarios").get(0);
    assertThat(first.path("name").asText()).isEqualTo("redis-pause");
    assertThat(first.path("rotations").asLong()).isEqualTo(40);
    assertThat(first.path("faults")).hasSize(1);
    assertThat(first.path("violations")).isEmpty();
    assertThat(first.path("seconds").asDouble()).isEqualTo(30.5);
    assertThat(j.path("scenarios").get(1).path("status").asText()).isEqualTo("NOT_RUN");
    assertThat(report.failed()).isFalse();
    assertThat(Files.readString(dir.resolve("chaos-report.md")))
        .contains("| redis-pause | PASSED | 40 | 1 | 0 | 31 |")
        .contains("| clock-jump | NOT_RUN |")
        .contains("note: no clock hook");
  }

  @Test
  void aViolationOrAnUnfinishedScenarioFailsTheRun() {
    assertThat(
            new ChaosReport(1, "quick", 1, List.of(result("a", Status.FAILED, List.of("lost"))))
                .failed())
        .isTrue();
    assertThat(
            new ChaosReport(1, "quick", 1, List.of(result("a", Status.ERROR, List.of()))).failed())
        .isTrue();
  }
}
