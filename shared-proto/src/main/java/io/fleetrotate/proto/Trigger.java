package io.fleetrotate.proto;

/** Why a rotation started. On the wire, the constant's name. */
public enum Trigger {
  /** The file reached its configured maximum size. */
  SIZE,
  /** The cron schedule came due. */
  SCHEDULE,
  /** The file's oldest content reached its configured maximum age. */
  AGE,
  /** An operator asked for it (CLI or a coordinator command). */
  MANUAL,
  /** The disk passed the critical ratio while the lock service was unreachable. */
  EMERGENCY
}
