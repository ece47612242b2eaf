package io.fleetrotate.proto;

/** How a rotation ended. On the wire, the constant's name. */
public enum Result {
  SUCCESS,
  /** The rotation did not complete; a {@link FailureReason} says why. */
  FAILED,
  /** Nothing to do, e.g. the file was empty or another replica had just rotated it. */
  SKIPPED
}
