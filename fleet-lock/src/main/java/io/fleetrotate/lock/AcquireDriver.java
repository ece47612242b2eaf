package io.fleetrotate.lock;

/**
 * What a backend does for one {@link FleetLock#acquire} call, driven by {@link AcquireLoop}: ask
 * the service, sleep until it says something changed, leave the queue. One driver per call; only
 * the calling thread uses it.
 */
public interface AcquireDriver {

  /**
   * Asks the service once for the lease, joining its queue on the first ask.
   *
   * @param answerWithinNanos how long the loop can wait for the answer (the time to the caller's
   *     deadline, at least 100 ms); a backend waits at most its own per-call bound
   * @return the lease, or how long to sleep at most before asking again
   * @throws LockUnavailableException the service did not answer, or refused ({@link
   *     LockRefusedException}), or the client was closed ({@link LockClosedException})
   */
  Answer ask(long answerWithinNanos) throws LockUnavailableException, InterruptedException;

  /**
   * Sleeps until the service signals a change for this group (a release, a grant pushed to this
   * waiter, a reconnection) or {@code nanos} pass; {@code 0} only looks.
   *
   * @return a lease the service granted and pushed to this waiter meanwhile, or null: ask again
   */
  Lease await(long nanos) throws InterruptedException;

  /**
   * Leaves the queue, and gives back a grant made behind the caller's back (an answer lost to a
   * timeout, a release that granted in the instant the caller gave up). Never throws.
   */
  void leave();

  /** Where the caller waited, for a timeout's message: the service and what it said last. */
  String describe();

  /**
   * One answer of the service.
   *
   * @param lease the grant, or null while waiting
   * @param retryWithinNanos when waiting: the longest sleep before the next ask
   */
  record Answer(Lease lease, long retryWithinNanos) {
    public static Answer granted(Lease lease) {
      return new Answer(lease, 0);
    }

    public static Answer waiting(long retryWithinNanos) {
      return new Answer(null, Math.max(0, retryWithinNanos));
    }
  }
}
