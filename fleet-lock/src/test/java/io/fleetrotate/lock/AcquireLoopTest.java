package io.fleetrotate.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The one acquire loop on a scripted driver and a hand-moved ticker: deadlines, the outage budget,
 * wake-or-poll and leaving the queue, without a service and without sleeping.
 */
class AcquireLoopTest {
  private final ManualTicker ticker = new ManualTicker();
  private final AcquireLoop loop = new AcquireLoop(ticker);

  @Test
  void anUnansweredFirstAskIsThrownAtOnceAndLeavesTheQueue() {
    ScriptedDriver driver = new ScriptedDriver().fail("down");
    assertThatThrownBy(() -> loop.acquire("g", Duration.ofMinutes(10), driver))
        .isInstanceOf(LockUnavailableException.class)
        .hasMessage("down");
    assertThat(driver.asks).isEqualTo(1);
    assertThat(driver.left).isTrue();
    assertThat(ticker.now).isZero();
  }

  @Test
  void aQueuedWaiterRidesOutAnOutageShorterThanTheBudget() throws Exception {
    ScriptedDriver driver = new ScriptedDriver().waiting(Duration.ofSeconds(1));
    long failures = FleetLock.OUTAGE_BUDGET.minusSeconds(1).toMillis() / 100;
    for (int i = 0; i < failures; i++) {
      driver.fail("restarting");
    }
    Lease lease = new FakeLease();
    driver.grant(lease);
    assertThat(loop.acquire("g", Duration.ofMinutes(10), driver)).isSameAs(lease);
    assertThat(driver.left).isFalse();
    assertThat(driver.asks).isEqualTo(failures + 2);
  }

  @Test
  void anOutageLongerThanTheBudgetIsThrownOnceTheBudgetIsSpent() {
    ScriptedDriver driver = new ScriptedDriver().waiting(Duration.ofSeconds(1));
    for (int i = 0; i < 1000; i++) {
      driver.fail("still down");
    }
    assertThatThrownBy(() -> loop.acquire("g", Duration.ofMinutes(10), driver))
        .isInstanceOf(LockUnavailableException.class)
        .hasMessage("still down");
    long budget = FleetLock.OUTAGE_BUDGET.toNanos();
    assertThat(ticker.now)
        .as("gave up after the budget of %s, retrying every 100 ms", FleetLock.OUTAGE_BUDGET)
        .isBetween(budget, budget + TimeUnit.MILLISECONDS.toNanos(1200));
    assertThat(driver.left).isTrue();
  }

  @Test
  void aRefusalOrACloseWhileQueuedIsThrownAtOnce() {
    ScriptedDriver refused = new ScriptedDriver().waiting(Duration.ofSeconds(1));
    refused.failures.add(new LockRefusedException("WRONGPASS", null));
    assertThatThrownBy(() -> loop.acquire("g", Duration.ofMinutes(10), refused))
        .isInstanceOf(LockRefusedException.class);
    assertThat(refused.asks).isEqualTo(2);

    ScriptedDriver closed = new ScriptedDriver().waiting(Duration.ofSeconds(1));
    closed.failures.add(new LockClosedException("test"));
    assertThatThrownBy(() -> loop.acquire("g", Duration.ofMinutes(10), closed))
        .isInstanceOf(LockClosedException.class);
    assertThat(closed.asks).isEqualTo(2);
    assertThat(closed.left).isTrue();
  }

  @Test
  void theDeadlineIsATimeoutNamingWhereItWaitedAndLeavesTheQueue() {
    ScriptedDriver driver = new ScriptedDriver();
    for (int i = 0; i < 100; i++) {
      driver.waiting(Duration.ofSeconds(1));
    }
    assertThatThrownBy(() -> loop.acquire("g", Duration.ofMillis(2500), driver))
        .isInstanceOf(LockTimeoutException.class)
        .hasMessageContaining("group g within PT2.5S")
        .hasMessageContaining("(scripted service)");
    assertThat(ticker.now).isEqualTo(TimeUnit.MILLISECONDS.toNanos(2500));
    assertThat(driver.asks).isEqualTo(4); // at 0, 1, 2 and 2.5 s: polls, then the deadline
    assertThat(driver.left).isTrue();
  }

  @Test
  void onlyTheLastAskUnansweredAtTheDeadlineIsATimeoutNotAnOutage() {
    ScriptedDriver driver =
        new ScriptedDriver()
            .waiting(Duration.ofSeconds(2))
            .failAndAdvance("slow answer", Duration.ofSeconds(2));
    assertThatThrownBy(() -> loop.acquire("g", Duration.ofSeconds(3), driver))
        .isInstanceOf(LockTimeoutException.class)
        .hasCauseInstanceOf(LockUnavailableException.class);
  }

  @Test
  void aGrantPushedWhileAsleepEndsTheWaitWithoutAnotherAsk() throws Exception {
    Lease pushed = new FakeLease();
    ScriptedDriver driver = new ScriptedDriver().waiting(Duration.ofSeconds(1));
    driver.pushed = pushed;
    assertThat(loop.acquire("g", Duration.ofMinutes(1), driver)).isSameAs(pushed);
    assertThat(driver.asks).isEqualTo(1);
    assertThat(driver.left).isFalse();
  }

  @Test
  void aGrantPushedAsTimeRanOutIsTaken() throws Exception {
    Lease pushed = new FakeLease();
    ScriptedDriver driver = new ScriptedDriver().waitingAndAdvance(Duration.ofSeconds(5));
    driver.pushedAtDeadline = pushed;
    assertThat(loop.acquire("g", Duration.ofSeconds(1), driver)).isSameAs(pushed);
  }

  private final class ManualTicker implements Ticker {
    long now;

    @Override
    public long read() {
      return now;
    }
  }

  /** Answers from a script; sleeping moves the ticker by the sleep. */
  private final class ScriptedDriver implements AcquireDriver {
    final Deque<Object> script = new ArrayDeque<>();
    final Deque<LockUnavailableException> failures = new ArrayDeque<>();
    int asks;
    boolean left;
    Lease pushed;
    Lease pushedAtDeadline;

    ScriptedDriver waiting(Duration retryWithin) {
      script.add(Answer.waiting(retryWithin.toNanos()));
      return this;
    }

    ScriptedDriver waitingAndAdvance(Duration by) {
      script.add(by);
      return this;
    }

    ScriptedDriver grant(Lease lease) {
      script.add(Answer.granted(lease));
      return this;
    }

    ScriptedDriver fail(String message) {
      script.add(new LockUnavailableException(message));
      return this;
    }

    ScriptedDriver failAndAdvance(String message, Duration by) {
      script.add(by);
      script.add(new LockUnavailableException(message));
      return this;
    }

    @Override
    public Answer ask(long answerWithinNanos) throws LockUnavailableException {
      asks++;
      if (!failures.isEmpty() && asks > 1) {
        throw failures.poll();
      }
      Object next = script.isEmpty() ? Answer.waiting(TimeUnit.SECONDS.toNanos(1)) : script.poll();
      if (next instanceof Duration by) {
        ticker.now += by.toNanos();
        if (script.peek() instanceof LockUnavailableException e) {
          script.poll();
          throw e;
        }
        return Answer.waiting(by.toNanos());
      }
      if (next instanceof LockUnavailableException e) {
        throw e;
      }
      return (Answer) next;
    }

    @Override
    public Lease await(long nanos) {
      if (nanos == 0 && pushedAtDeadline != null) {
        return pushedAtDeadline;
      }
      if (pushed != null) {
        return pushed;
      }
      ticker.now += nanos;
      return null;
    }

    @Override
    public void leave() {
      left = true;
    }

    @Override
    public String describe() {
      return "scripted service";
    }
  }

  private static final class FakeLease implements Lease {
    @Override
    public String group() {
      return "g";
    }

    @Override
    public long fencingToken() {
      return 1;
    }

    @Override
    public void checkValid() {}

    @Override
    public void close() {}
  }
}
