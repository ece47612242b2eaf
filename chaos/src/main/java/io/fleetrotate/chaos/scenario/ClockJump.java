package io.fleetrotate.chaos.scenario;

import io.fleetrotate.chaos.fleet.AgentNode;
import io.fleetrotate.chaos.fleet.Rotation;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An agent's wall clock jumps forward and back by whole hours (through the agent's clock-offset
 * hook; the host's clock is left alone). Every agent rotates on an hourly schedule ({@code 0 * * *
 * *}, UTC) with a size trigger too large to fire. After each jump the scenario watches the jumped
 * agent and checks, as its own invariant, that it rotates exactly once when a schedule time passed
 * since its last rotation (a jump over three hours is one rotation, not three: no catch-up storm)
 * and not at all when none did (a jump back never re-fires a schedule time already served). Jumped
 * clocks keep their offset to the end; the event times they wrote are mapped back to real time
 * before the ordering checks.
 */
final class ClockJump extends Scenario {
  ClockJump() {
    super(
        "clock-jump",
        "an agent's clock jumps forward and back by hours; hourly schedule triggers"
            + " fire once per passed schedule time, never in a storm, never again after a jump"
            + " back");
  }

  private static final String SCHEDULE = "0 * * * *";

  @Override
  public ChaosFleet.Options options(int agents) {
    // Slow writers and a 1 MiB size trigger: only the schedule rotates here.
    return ChaosFleet.Options.redis(agents).sized(1024 * 1024, 20);
  }

  @Override
  public void prepare(ScenarioContext ctx, ChaosFleet fleet) {
    String trigger =
        "{ maxSize: "
            + (fleet.options().maxSizeBytes() / 1024)
            + "KiB, schedule: \""
            + SCHEDULE
            + "\", timeZone: UTC }";
    fleet.beforeAgentStart(a -> a.clockHook().trigger(trigger));
  }

  @Override
  public void inject(ScenarioContext ctx, ChaosFleet fleet, Instant until) throws Exception {
    Random r = ctx.random();
    Duration check = fleet.options().checkInterval();
    Map<String, Duration> offset = new HashMap<>();
    // When each agent's schedule trigger counts from: its first look at the file, at start.
    Map<String, Instant> since = new HashMap<>();
    Instant started = Instant.now().minus(check.multipliedBy(3));
    Set<String> seen = new HashSet<>();
    List<AgentNode> agents = fleet.agents();
    agents.forEach(a -> offset.put(a.nodeId(), Duration.ZERO));
    agents.forEach(a -> since.put(a.nodeId(), started));
    int round = 0;
    // First each agent jumps forward (to half past an hour), then each jumps back, then at random.
    while (round < 2 * agents.size() || Instant.now().isBefore(until)) {
      AgentNode a =
          round < 2 * agents.size()
              ? agents.get(round % agents.size())
              : agents.get(r.nextInt(agents.size()));
      boolean forward = round < agents.size() || (round >= 2 * agents.size() && r.nextInt(5) < 3);
      round++;
      String node = a.nodeId();
      refresh(fleet, node, since, seen);
      Instant now = Instant.now();
      Instant reads = now.plus(offset.get(node));
      int hours = 1 + r.nextInt(forward ? 3 : 2);
      Instant target =
          offset.get(node).isZero()
              ? reads.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(hours).plusMinutes(30))
              : reads.plus(Duration.ofHours(forward ? hours : -hours));
      Duration next = Duration.between(now, target);
      Instant lastScheduleTime = target.truncatedTo(ChronoUnit.HOURS);
      boolean due = lastScheduleTime.isAfter(since.get(node));
      ctx.clockSkews().shift(node, Instant.now(), next);
      a.clockOffset(next);
      offset.put(node, next);
      ctx.fault(
          String.format(
              "%s's clock jumps %s%d min to %s; %s",
              node,
              next.compareTo(Duration.between(now, reads)) >= 0 ? "+" : "-",
              Math.abs(Duration.between(reads, target).toMinutes()),
              target.truncatedTo(ChronoUnit.SECONDS),
              due
                  ? "schedule time "
                      + lastScheduleTime
                      + " passed since its last rotation: one"
                      + " SCHEDULE rotation expected"
                  : "no schedule time passed since its last rotation: none expected"));
      watch(ctx, fleet, a, due, check, seen, since);
    }
  }

  /**
   * Watches {@code a} after a jump: for a due jump, the first SCHEDULE rotation within 20 s, then
   * no second one for a while; for a jump that is not due, no SCHEDULE rotation at all.
   */
  private static void watch(
      ScenarioContext ctx,
      ChaosFleet fleet,
      AgentNode a,
      boolean due,
      Duration check,
      Set<String> seen,
      Map<String, Instant> since)
      throws InterruptedException {
    String node = a.nodeId();
    Duration quiet = check.multipliedBy(4).plusSeconds(2);
    Instant deadline = Instant.now().plus(due ? Duration.ofSeconds(20) : quiet);
    List<Rotation> fired = new ArrayList<>();
    boolean rotated = false;
    Instant firstAt = null;
    while (Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      List<Rotation> fresh = newRotations(fleet, node, seen);
      for (Rotation x : fresh) {
        since.merge(node, x.finishedAt(), (p, q) -> q.isAfter(p) ? q : p);
        if ("SCHEDULE".equals(x.trigger()) && x.succeeded()) {
          fired.add(x);
        }
        // Combined with a scenario whose writers fill the log, size may be due too and is the
        // trigger reported: the file was still rotated.
        rotated |= x.succeeded();
      }
      if (due && firstAt == null && rotated) {
        firstAt = Instant.now();
        deadline = firstAt.plus(quiet);
      }
    }
    if (due && !rotated) {
      ctx.violation(
          node + ": a schedule time passed after its clock jumped, but no rotation in 20 s");
    } else if (fired.size() > 1) {
      ctx.violation(
          node
              + ": "
              + fired.size()
              + " SCHEDULE rotations after one clock jump, "
              + (due ? "1" : "0")
              + " expected ("
              + fired.stream().map(Rotation::eventId).toList()
              + ")");
    } else if (!due && !fired.isEmpty()) {
      ctx.violation(
          node
              + ": rotated by schedule after its clock jumped back, although it had already"
              + " rotated after the last schedule time its clock now reads ("
              + fired.get(0).eventId()
              + ")");
    } else {
      ctx.fault(node + ": " + fired.size() + " SCHEDULE rotation(s), as expected");
    }
  }

  /** Takes in rotations of {@code node} that came in since the last look (e.g. by real time). */
  private static void refresh(
      ChaosFleet fleet, String node, Map<String, Instant> since, Set<String> seen) {
    for (Rotation x : newRotations(fleet, node, seen)) {
      since.merge(node, x.finishedAt(), (p, q) -> q.isAfter(p) ? q : p);
    }
  }

  private static List<Rotation> newRotations(ChaosFleet fleet, String node, Set<String> seen) {
    List<Rotation> all;
    try {
      all = fleet.liveCoordinator().api().rotations();
    } catch (RuntimeException e) {
      return List.of(); // the coordinator is down (a combined scenario); look again later
    }
    List<Rotation> fresh = new ArrayList<>();
    for (Rotation x : all) {
      if (x.node().equals(node) && seen.add(x.eventId())) {
        fresh.add(x);
      }
    }
    return fresh;
  }
}
