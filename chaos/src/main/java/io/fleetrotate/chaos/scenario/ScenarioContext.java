package io.fleetrotate.chaos.scenario;

import io.fleetrotate.chaos.check.ClockSkews;
import io.fleetrotate.chaos.fleet.FleetJars;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a scenario runs with: its directory, the jars, a random seeded from the run's seed and the
 * scenario's name, how long to keep the fleet under faults, and the fault log it appends to.
 */
public final class ScenarioContext {
  private final String name;
  private final Path dir;
  private final FleetJars jars;
  private final Random random;
  private final Duration faultTime;
  private final int agents;
  private final Instant start = Instant.now();
  private final List<String> faults = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final List<io.fleetrotate.chaos.check.LockFault> lockFaults = new ArrayList<>();
  private final ClockSkews clockSkews = new ClockSkews();
  private ChaosFleet fleet;

  public ScenarioContext(
      String name, Path dir, FleetJars jars, long seed, Duration faultTime, int agents) {
    this.name = name;
    this.dir = dir;
    this.jars = jars;
    this.random = new Random(seed ^ name.hashCode());
    this.faultTime = faultTime;
    this.agents = agents;
  }

  public String name() {
    return name;
  }

  public Path dir() {
    return dir;
  }

  public FleetJars jars() {
    return jars;
  }

  public Random random() {
    return random;
  }

  /** How long the scenario keeps injecting faults. */
  public Duration faultTime() {
    return faultTime;
  }

  public int agents() {
    return agents;
  }

  /** Opens the scenario's fleet (one per scenario). */
  public ChaosFleet fleet(ChaosFleet.Options options) {
    if (fleet != null) {
      throw new IllegalStateException("one fleet per scenario");
    }
    fleet = ChaosFleet.open(dir, jars, options, this);
    return fleet;
  }

  public ChaosFleet fleet() {
    return fleet;
  }

  /** Records a fault (or a heal), with the seconds since the scenario began. */
  public synchronized void fault(String what) {
    String line =
        String.format("%.1fs %s", Duration.between(start, Instant.now()).toMillis() / 1000.0, what);
    faults.add(line);
    System.out.println("  [" + name + "] " + line);
  }

  public synchronized List<String> faults() {
    return List.copyOf(faults);
  }

  /**
   * Records a violation the scenario itself observed while injecting (an invariant of its own, such
   * as one rotation per schedule time), beside those the checker finds in the record.
   */
  public synchronized void violation(String what) {
    fault("VIOLATION: " + what);
    violations.add(what);
  }

  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  /**
   * Records that the lock service was unreachable from {@code from} until now (the fault is
   * healed), for the checker's one-report-per-outage invariant.
   */
  public synchronized void lockFault(String what, Instant from) {
    lockFaults.add(new io.fleetrotate.chaos.check.LockFault(what, from, Instant.now()));
  }

  public synchronized List<io.fleetrotate.chaos.check.LockFault> lockFaults() {
    return List.copyOf(lockFaults);
  }

  /** The agents' clock offsets, to map their event times back to real time before checking. */
  public ClockSkews clockSkews() {
    return clockSkews;
  }

  /** Sleeps, bounded: scenarios pace their faults with it. */
  public void sleep(Duration d) throws InterruptedException {
    Thread.sleep(Math.max(0, d.toMillis()));
  }

  /** Whether the fault time is over. */
  public boolean faultTimeOver(Instant since) {
    return Duration.between(since, Instant.now()).compareTo(faultTime) >= 0;
  }
}
