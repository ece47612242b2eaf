package io.fleetrotate.agent.compress;

import java.util.Objects;

/**
 * A compression that did not produce a target. When this is thrown the partial target has been
 * deleted (or its deletion failed and is reported as a suppressed exception) and the source is as
 * it was.
 */
public final class CompressionFailure extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why it failed; the rotation engine maps this to the wire {@code FailureReason}. */
  public enum Kind {
    /** The target's file system is full (ENOSPC) or the user's quota is used up (EDQUOT). */
    DISK_FULL,
    /** Both zstd and the gzip fallback failed, or gzip itself failed. */
    COMPRESSION_FAILED,
    /** Reading the source or writing the target failed for another reason. */
    IO_ERROR,
    /**
     * The calling thread was interrupted (the engine cancels on lease loss). The thread's interrupt
     * status is left set.
     */
    CANCELLED
  }

  private final Kind reason;

  CompressionFailure(Kind reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Kind reason() {
    return reason;
  }
}
