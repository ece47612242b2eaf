package io.fleetrotate.agent.rotate;

import io.fleetrotate.lock.FencedException;
import io.fleetrotate.lock.FleetLock;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.lock.LeaseLostException;
import io.fleetrotate.lock.LockUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fence beside one live file as the agent and the engine use it: admitting a step ({@link
 * FenceFile}), and the questions asked of it around a rotation (which token it holds, whether a
 * newer or an earlier holder of the group did a step here) and the one repair (raising a lock
 * counter that fell behind it). Every read of a fence outside {@link FenceFile} goes through here.
 */
public final class FenceView {
  private static final Logger log = LoggerFactory.getLogger(FenceView.class);

  /** The token of a fence that could not be read. */
  public static final long UNKNOWN_TOKEN = -1;

  private final FenceFile fence;

  /** The fence of {@code liveFile}; {@code clock} stamps what this agent records in it. */
  public static FenceView of(Path liveFile, Clock clock) {
    return new FenceView(FenceFile.of(liveFile, clock));
  }

  private FenceView(FenceFile fence) {
    this.fence = fence;
  }

  /** See {@link FenceFile#admit}. */
  public FenceFile.Admission admit(Lease lease) throws FencedException, IOException {
    return fence.admit(lease);
  }

  /** What the fence holds, if anything. */
  public Optional<FenceFile.Entry> read() throws IOException {
    return fence.read();
  }

  /** The token the fence holds: 0 without one, {@link #UNKNOWN_TOKEN} when unreadable. */
  public long token() {
    try {
      return read().map(FenceFile.Entry::token).orElse(0L);
    } catch (IOException e) {
      log.warn("cannot read the fence {}: {}", fence.path(), e.getMessage());
      return UNKNOWN_TOKEN;
    }
  }

  /** Whether the fence holds {@code token} (a step of this holder); false for 0 or unreadable. */
  public boolean holds(long token) {
    if (token <= 0) {
      return false;
    }
    try {
      return read().filter(e -> e.token() == token).isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  /** A step in {@code lease}'s group under a higher token than the lease's: a newer holder. */
  public Optional<FenceFile.Entry> ahead(Lease lease) throws IOException {
    return read()
        .filter(e -> e.group().equals(lease.group()))
        .filter(e -> e.token() > lease.fencingToken());
  }

  /**
   * A step in {@code lease}'s group under a lower token than the lease's (not 0): an earlier one.
   */
  public Optional<FenceFile.Entry> behind(Lease lease) throws IOException {
    return read()
        .filter(e -> e.group().equals(lease.group()))
        .filter(e -> e.token() > 0 && e.token() < lease.fencingToken());
  }

  /**
   * A fence that refuses a lease the lock service still honours means the service's counter went
   * backwards (its data was lost, or a split brain merged): raises it past the fence so that the
   * next grant is admitted. A lease that is really stale (its holder was paused) is left alone, and
   * so is a fence at the largest token (the counter would wrap around).
   */
  public void raiseCounterIfAhead(FleetLock lock, Lease lease) {
    try {
      lease.checkValid();
      Optional<FenceFile.Entry> fenced = ahead(lease);
      if (fenced.isEmpty()) {
        return;
      }
      if (fenced.get().token() == Long.MAX_VALUE) {
        log.error(
            "{} records token {}, the largest a fencing counter can hold; the counter of group {}"
                + " is not raised to it: reset the counter and remove the fence file",
            fence.path(),
            Long.MAX_VALUE,
            lease.group());
        return;
      }
      log.warn(
          "the {} lock service granted token {} for group {} but {} already records {}: raising"
              + " its counter",
          lock.backendName(),
          lease.fencingToken(),
          lease.group(),
          fence.path(),
          fenced.get().token());
      lock.raiseFencingToken(lease.group(), fenced.get().token());
    } catch (LeaseLostException really) {
      // A stale holder: the fence did its job.
    } catch (IOException | LockUnavailableException e) {
      log.warn("cannot raise the fencing counter of group {}: {}", lease.group(), e.getMessage());
    }
  }
}
