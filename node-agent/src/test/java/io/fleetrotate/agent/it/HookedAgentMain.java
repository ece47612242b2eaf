package io.fleetrotate.agent.it;

import io.fleetrotate.agent.AgentMain;
import io.fleetrotate.agent.cli.AgentHooks;
import io.fleetrotate.agent.rotate.RotationStep;
import io.fleetrotate.agent.rotate.StepListener;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LockTimeoutException;
import io.fleetrotate.lock.LockUnavailableException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The agent's command line composed, for the process tests here, with a step listener that stops
 * after {@code -Dfleetrotate.test.pauseAfter=STEP} (for good, or {@code pauseMillis}) and, with
 * {@code -Dfleetrotate.test.blindLease=true}, leases that never report themselves lost. Test code:
 * the agent itself reads no such property (the chaos suite has its own composition).
 */
public final class HookedAgentMain {
  private HookedAgentMain() {}

  public static void main(String[] args) {
    StepListener steps = StepListener.NONE;
    String after = System.getProperty("fleetrotate.test.pauseAfter");
    if (after != null) {
      RotationStep at = RotationStep.valueOf(after);
      Long millis = Long.getLong("fleetrotate.test.pauseMillis");
      steps =
          (step, rotationId, journalFile) -> {
            if (step != at) {
              return;
            }
            Files.writeString(journalFile.resolveSibling("paused-after-" + step), rotationId);
            long until =
                System.nanoTime() + Duration.ofMillis(millis == null ? 0 : millis).toNanos();
            while (millis == null || until - System.nanoTime() > 0) {
              LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
          };
    }
    UnaryOperator<FleetLock> lock =
        Boolean.getBoolean("fleetrotate.test.blindLease")
            ? HookedAgentMain::blind
            : UnaryOperator.identity();
    System.exit(AgentMain.execute(args, new AgentHooks(Clock.systemDefaultZone(), lock, steps)));
  }

  private static FleetLock blind(FleetLock backend) {
    return new FleetLock() {
      @Override
      public Lease acquire(String group, double priority, Duration timeout)
          throws LockUnavailableException, LockTimeoutException, InterruptedException {
        Lease lease = backend.acquire(group, priority, timeout);
        return new Lease() {
          @Override
          public String group() {
            return lease.group();
          }

          @Override
          public long fencingToken() {
            return lease.fencingToken();
          }

          @Override
          public void checkValid() {}

          @Override
          public void close() {
            lease.close();
          }
        };
      }

      @Override
      public void raiseFencingToken(String group, long atLeast) throws LockUnavailableException {
        backend.raiseFencingToken(group, atLeast);
      }

      @Override
      public String backendName() {
        return backend.backendName();
      }

      @Override
      public void close() {
        backend.close();
      }
    };
  }
}
