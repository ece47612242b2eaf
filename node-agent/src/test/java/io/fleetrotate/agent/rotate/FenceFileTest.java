package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.agent.lock.FencedException;
import io.fleetrotate.agent.lock.Lease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class FenceFileTest {

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T02:00:00Z"), ZoneOffset.UTC);

  public static Lease lease(String group, long token) {
    return new Lease() {
      @Override
      public String group() {
        return group;
      }

      @Override
      public long fencingToken() {
        return token;
      }

      @Override
      public void checkValid() {}

      @Override
      public void close() {}
    };
  }

  private FenceFile fence() {
    return FenceFile.of(dir.resolve("server.log"), clock);
  }

  @Test
  void theFenceLivesBesideTheLogAsAHiddenFile() {
    assertThat(fence().path()).isEqualTo(dir.resolve(".server.log.fence"));
    assertThat(FenceFile.isFenceFile(fence().path())).isTrue();
    assertThat(FenceFile.isFenceFile(dir.resolve("server.log"))).isFalse();
  }

  @Test
  void anAdmittedStepRecordsItsToken() throws Exception {
    fence().admit(lease("g", 7));
    FenceFile.Entry e = fence().read().orElseThrow();
    assertThat(e.token()).isEqualTo(7);
    assertThat(e.group()).isEqualTo("g");
    assertThat(e.at()).isEqualTo(clock.instant());
    assertThat(e.holder()).contains("@");
  }

  @Test
  void aLowerTokenIsRefusedNamingTheNewerOne() throws Exception {
    fence().admit(lease("g", 9));
    assertThatThrownBy(() -> fence().admit(lease("g", 8)))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("records token 9")
        .hasMessageContaining("token 8")
        .satisfies(e -> assertThat(((FencedException) e).recordedToken()).isEqualTo(9));
    assertThat(fence().read().orElseThrow().token()).isEqualTo(9);
  }

  @Test
  void theSameOrAHigherTokenIsAdmitted() throws Exception {
    fence().admit(lease("g", 3));
    fence().admit(lease("g", 3));
    fence().admit(lease("g", 12));
    assertThat(fence().read().orElseThrow().token()).isEqualTo(12);
    // A shorter record after a longer one leaves no trailing bytes behind.
    assertThat(Files.readString(fence().path())).startsWith("12 g ").hasLineCount(1);
  }

  @Test
  void theEmergencyTokenIsAdmittedButNeverRecorded() throws Exception {
    fence().admit(lease("g", 0));
    assertThat(fence().read()).isEmpty();
    fence().admit(lease("g", 5));
    fence().admit(lease("g", 0));
    assertThat(fence().read().orElseThrow().token()).isEqualTo(5);
  }

  @Test
  void aFileThatMovedToAnotherGroupStartsItsFenceAnew() throws Exception {
    fence().admit(lease("old-group", 900));
    fence().admit(lease("new-group", 2));
    assertThat(fence().read().orElseThrow().group()).isEqualTo("new-group");
  }

  @Test
  void anUnreadableFenceIsRewrittenRatherThanBlockingForever() throws Exception {
    Files.writeString(fence().path(), "garbage\n");
    fence().admit(lease("g", 4));
    assertThat(fence().read().orElseThrow().token()).isEqualTo(4);
  }
}
