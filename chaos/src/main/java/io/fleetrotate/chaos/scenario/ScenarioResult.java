package io.fleetrotate.chaos.scenario;

import java.util.List;

/**
 * How one scenario went.
 *
 * @param name the scenario's name
 * @param status PASSED, FAILED (violations), ERROR (the harness could not finish it) or NOT_RUN
 * @param rotations successful rotations in the coordinator's history
 * @param events every rotation event in the history (failed ones included)
 * @param faults the faults injected, in order, each with its time into the scenario
 * @param violations what the checker found
 * @param notes what is reported but allowed, and why a scenario did not run
 * @param seconds how long it took
 */
public record ScenarioResult(
    String name,
    Status status,
    long rotations,
    long events,
    List<String> faults,
    List<String> violations,
    List<String> notes,
    double seconds) {

  public enum Status {
    PASSED,
    FAILED,
    ERROR,
    NOT_RUN
  }

  public static ScenarioResult notRun(String name, String reason) {
    return new ScenarioResult(name, Status.NOT_RUN, 0, 0, List.of(), List.of(), List.of(reason), 0);
  }

  /** Whether the run as a whole must fail because of this scenario. */
  public boolean bad() {
    return status == Status.FAILED || status == Status.ERROR;
  }
}
