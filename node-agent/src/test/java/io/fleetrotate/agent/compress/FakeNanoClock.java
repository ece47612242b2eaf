package io.fleetrotate.agent.compress;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A nano-time source and sleeper in one: sleeping advances the clock instead of waiting, and each
 * reading can advance it by a fixed step to simulate work taking time.
 */
final class FakeNanoClock implements LongSupplier, NanoSleeper {

  private final long stepPerReading;
  private long now = 1_000_000_000L;
  private long totalSleptNanos;
  private final List<Long> sleeps = new ArrayList<>();

  FakeNanoClock() {
    this(0);
  }

  FakeNanoClock(long stepPerReading) {
    this.stepPerReading = stepPerReading;
  }

  @Override
  public long getAsLong() {
    long reading = now;
    now += stepPerReading;
    return reading;
  }

  @Override
  public void sleepNanos(long nanos) {
    sleeps.add(nanos);
    totalSleptNanos += nanos;
    now += nanos;
  }

  void advance(long nanos) {
    now += nanos;
  }

  long totalSleptNanos() {
    return totalSleptNanos;
  }

  List<Long> sleeps() {
    return sleeps;
  }
}
