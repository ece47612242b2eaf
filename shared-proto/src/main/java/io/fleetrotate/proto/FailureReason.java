package io.fleetrotate.proto;

/**
 * Why a rotation failed, or (LOCK_UNAVAILABLE only) why it was deferred. On the wire, the
 * constant's name.
 */
public enum FailureReason {
  PERMISSION_DENIED,
  DISK_FULL,
  COMPRESSION_FAILED,
  /** The writer could not be made to reopen its log (signal, HTTP call or command failed). */
  REOPEN_FAILED,
  /** The group's lease was not granted in time. */
  LOCK_TIMEOUT,
  /** The lease expired or was taken over mid-rotation; the agent stopped at a step boundary. */
  LEASE_LOST,
  IO_ERROR,
  CONFIG_ERROR,
  /**
   * The lock service could not be reached, so the rotation waits for it (protocol 1.1). Sent with
   * result SKIPPED, at most once per file per outage: a deferral, not a failure, so it does not
   * count against the success ratio.
   */
  LOCK_UNAVAILABLE
}
