package io.fleetrotate.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CoordinatorResponseTest {
  private static final Instant NOW = Instant.parse("2026-11-21T09:00:00Z");

  private static CoordinatorResponse response(int status, String body) {
    return new CoordinatorResponse(status, body.getBytes(StandardCharsets.UTF_8), Optional.empty());
  }

  @Test
  void retryAfterInSecondsIsTakenAsIs() {
    assertThat(CoordinatorResponse.parseRetryAfter("7", NOW)).contains(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterAsAnHttpDateIsTheTimeUntilThen() {
    assertThat(CoordinatorResponse.parseRetryAfter("Sat, 21 Nov 2026 09:00:30 GMT", NOW))
        .contains(Duration.ofSeconds(30));
    assertThat(CoordinatorResponse.parseRetryAfter("Sat, 21 Nov 2026 08:00:00 GMT", NOW))
        .contains(Duration.ZERO);
  }

  @Test
  void anAbsurdRetryAfterIsCappedAtAnHourAndGarbageIsIgnored() {
    assertThat(CoordinatorResponse.parseRetryAfter("999999", NOW)).contains(Duration.ofHours(1));
    assertThat(CoordinatorResponse.parseRetryAfter("soon", NOW)).isEmpty();
    assertThat(CoordinatorResponse.parseRetryAfter("-5", NOW)).isEmpty();
  }

  @Test
  void aBatchErrorNamesTheIndexOfTheEventAtFault() {
    CoordinatorResponse r =
        response(400, "{\"error\":\"must be >= 0\",\"path\":\"$[12].bytesAfter\"}");

    assertThat(r.eventIndex()).isEqualTo(OptionalInt.of(12));
    assertThat(r.error()).isEqualTo("$[12].bytesAfter: must be >= 0");
  }

  @Test
  void anErrorForTheWholeDocumentNamesNoEvent() {
    assertThat(response(400, "{\"error\":\"is not valid JSON\",\"path\":\"$\"}").eventIndex())
        .isEmpty();
    assertThat(response(400, "<html>Bad Request</html>").eventIndex()).isEmpty();
    assertThat(response(502, "<html>Bad Gateway</html>").error())
        .isEqualTo("<html>Bad Gateway</html>");
  }
}
