package io.fleetrotate.lock.member;

import java.io.Serializable;

/**
 * The answer to {@link TryAcquire}.
 *
 * @param token the fencing token of the grant, or 0 when not granted (yet)
 * @param retryAfterMillis when not granted: in how many milliseconds (on any clock) the group's
 *     state changes by itself, because a grant or a waiter ahead expires; the client asks again by
 *     then at the latest, or earlier when an entry event wakes it
 * @param ahead when not granted: how many waiters are served first
 * @param version the {@link LeaseTable#version()} this ask left: an entry event carrying a table of
 *     this version or older tells the waiter nothing new
 */
public record AcquireOutcome(long token, long retryAfterMillis, int ahead, long version)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public static AcquireOutcome granted(long token) {
    if (token < 1) {
      throw new IllegalArgumentException("a granted token is >= 1: " + token);
    }
    return new AcquireOutcome(token, 0, 0, 0);
  }

  public static AcquireOutcome waiting(long retryAfterMillis, int ahead) {
    return new AcquireOutcome(0, retryAfterMillis, ahead, 0);
  }

  /** This answer, stamped with the version of the table it left. */
  public AcquireOutcome withVersion(long version) {
    return new AcquireOutcome(token, retryAfterMillis, ahead, version);
  }

  public boolean isGranted() {
    return token > 0;
  }
}
