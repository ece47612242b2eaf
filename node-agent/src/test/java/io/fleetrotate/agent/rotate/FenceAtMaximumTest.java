package io.fleetrotate.agent.rotate;

import static io.fleetrotate.agent.rotate.FenceFileTest.lease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.lock.FencedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fencing token at Long.MAX_VALUE (or one that wrapped below zero) is an error, never a wrap. */
class FenceAtMaximumTest {

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T02:00:00Z"), ZoneOffset.UTC);

  private FenceFile fence() {
    return FenceFile.of(dir.resolve("server.log"), clock);
  }

  @Test
  void aLeaseAtTheLargestTokenIsRefusedAndNotRecorded() throws Exception {
    assertThatThrownBy(() -> fence().check(lease("g", Long.MAX_VALUE)))
        .isInstanceOf(FencedException.class)
        .hasMessage(
            "refused by the fence "
                + fence().path()
                + ": token 9223372036854775807 is the largest a fencing counter can hold, so no"
                + " later holder could be told apart; reset the counter of group g and its fence"
                + " files before rotating again");
    assertThat(fence().read()).isEmpty();
  }

  @Test
  void aWrappedNegativeTokenIsRefused() throws Exception {
    fence().check(lease("g", 5));
    assertThatThrownBy(() -> fence().check(lease("g", Long.MIN_VALUE)))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("is negative, so the lock service's fencing counter wrapped around");
    assertThat(fence().read().orElseThrow().token()).isEqualTo(5);
  }

  @Test
  void aFenceAtTheLargestTokenRefusesEveryLeaseAndSaysWhatToDo() throws Exception {
    Files.writeString(fence().path(), Long.MAX_VALUE + " g other@host 2026-11-20T02:00:00Z\n");

    assertThatThrownBy(() -> fence().check(lease("g", 6)))
        .isInstanceOf(FencedException.class)
        .hasMessage(
            "refused by the fence "
                + fence().path()
                + ": it records token 9223372036854775807, the largest a fencing counter can hold,"
                + " so no lease can ever pass it; reset the counter of group g and remove this"
                + " fence file before rotating again");
  }
}
