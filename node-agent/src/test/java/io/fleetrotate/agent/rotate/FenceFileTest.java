package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.lock.FencedException;
import io.fleetrotate.lock.Lease;
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
    fence().check(lease("g", 7));
    FenceFile.Entry e = fence().read().orElseThrow();
    assertThat(e.token()).isEqualTo(7);
    assertThat(e.group()).isEqualTo("g");
    assertThat(e.at()).isEqualTo(clock.instant());
    assertThat(e.holder()).contains("@");
  }

  @Test
  void aLowerTokenIsRefusedNamingTheNewerOne() throws Exception {
    fence().check(lease("g", 9));
    assertThatThrownBy(() -> fence().check(lease("g", 8)))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("records token 9")
        .hasMessageContaining("token 8")
        .satisfies(e -> assertThat(((FencedException) e).recordedToken()).isEqualTo(9));
    assertThat(fence().read().orElseThrow().token()).isEqualTo(9);
  }

  @Test
  void theSameOrAHigherTokenIsAdmitted() throws Exception {
    fence().check(lease("g", 3));
    fence().check(lease("g", 3));
    fence().check(lease("g", 12));
    assertThat(fence().read().orElseThrow().token()).isEqualTo(12);
    // A shorter record after a longer one leaves no trailing bytes behind.
    assertThat(Files.readString(fence().path())).startsWith("12 g ").hasLineCount(1);
  }

  @Test
  void theEmergencyTokenIsAdmittedButNeverRecorded() throws Exception {
    fence().check(lease("g", 0));
    assertThat(fence().read()).isEmpty();
    fence().check(lease("g", 5));
    fence().check(lease("g", 0));
    assertThat(fence().read().orElseThrow().token()).isEqualTo(5);
  }

  @Test
  void aFileThatMovedToAnotherGroupStartsItsFenceAnew() throws Exception {
    fence().check(lease("old-group", 900));
    fence().check(lease("new-group", 2));
    assertThat(fence().read().orElseThrow().group()).isEqualTo("new-group");
  }

  @Test
  void anUnreadableFenceIsRewrittenRatherThanBlockingForever() throws Exception {
    Files.writeString(fence().path(), "garbage\n");
    fence().check(lease("g", 4));
    assertThat(fence().read().orElseThrow().token()).isEqualTo(4);
  }

  /** A holder paused inside a step finishes that step before a newer holder can start one. */
  @Test
  void aHeldAdmissionKeepsTheNextHolderOutUntilItsStepIsDone() throws Exception {
    FenceFile.Admission step = fence().admit(lease("g", 5));
    java.util.concurrent.CompletableFuture<Long> newer =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                fence().check(lease("g", 6));
                return System.nanoTime();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(300);
    assertThat(newer).isNotDone();
    long released = System.nanoTime();
    step.close();
    assertThat(newer.get(5, java.util.concurrent.TimeUnit.SECONDS)).isGreaterThan(released);
    assertThatThrownBy(() -> fence().check(lease("g", 5))).isInstanceOf(FencedException.class);
  }

  /** A split lock service can grant one token twice; the second holder to use it is refused. */
  @Test
  void theSameTokenFromAnotherHolderIsRefused() throws Exception {
    Files.writeString(fence().path(), "5 g 4242@other-host 2026-11-21T01:59:00Z\n");
    assertThatThrownBy(() -> fence().check(lease("g", 5)))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("already in use by 4242@other-host");
    fence().check(lease("g", 6));
    fence().check(lease("g", 6)); // its own token again: the next step of the same rotation
    assertThat(fence().read().orElseThrow().token()).isEqualTo(6);
  }
}
