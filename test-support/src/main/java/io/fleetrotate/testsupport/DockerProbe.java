package io.fleetrotate.testsupport;

import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.testcontainers.DockerClientFactory;

/**
 * Asks Testcontainers once per JVM whether a Docker engine is reachable, never hanging and never
 * throwing: on a machine without Docker the answer is simply no.
 */
final class DockerProbe {
  // Generous because the first successful check also starts Testcontainers' reaper container,
  // which may have to be pulled; without Docker the check fails within a second or two.
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Why Docker is not used; empty when it is reachable. Guarded by the class lock. */
  private static String unreachableReason;

  private DockerProbe() {}

  static synchronized boolean isReachable() {
    if (unreachableReason == null) {
      unreachableReason = probe();
    }
    return unreachableReason.isEmpty();
  }

  /** Why the last probe said no, for error messages. */
  static synchronized String unreachableReason() {
    return unreachableReason == null ? "" : unreachableReason;
  }

  private static String probe() {
    FutureTask<Boolean> check =
        new FutureTask<>(() -> DockerClientFactory.instance().isDockerAvailable());
    Thread thread = new Thread(check, "fleetrotate-docker-probe");
    thread.setDaemon(true); // a hung check must not keep the test JVM alive
    thread.start();
    try {
      return check.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          ? ""
          : "no Docker engine is reachable (`docker info` fails)";
    } catch (TimeoutException e) {
      check.cancel(true);
      return "the Docker check did not finish within " + TIMEOUT.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "the Docker check was interrupted";
    } catch (Exception | LinkageError e) {
      // isDockerAvailable() catches its own failures; this covers a broken Testcontainers setup.
      return "the Docker check failed (" + e + ")";
    }
  }
}
