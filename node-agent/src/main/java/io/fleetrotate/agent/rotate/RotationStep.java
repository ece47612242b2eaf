package io.fleetrotate.agent.rotate;

/**
 * The steps of a rotation, in the order the journal records them. Public so that whoever watches
 * the steps (a {@link StepListener}, a harness that stops an agent at one) names them by this type
 * rather than by copied strings.
 */
public enum RotationStep {
  /** The plan is written; nothing has been touched yet. */
  BEGIN,
  /** About to move the live file aside (rename, copy+truncate or copy+collapse). */
  MOVING,
  /** Copy methods only: the backup holds a durable copy; the live file is about to be cut. */
  COPIED,
  /** The backup holds the moved bytes durably; the live file was renamed or cut. */
  MOVED,
  /** The server was told to reopen its log. */
  REOPENED,
  /**
   * About to compress the backup into a temporary file. A compress-ahead partial, when one covers
   * the backup, is renamed to that temporary file after this record; resuming deletes it either way
   * and compresses from scratch.
   */
  COMPRESSING,
  /** The compressed backup is durable under its final name. */
  COMPRESSED,
  /** The uncompressed backup is gone. */
  BACKUP_DELETED,
  /**
   * Retention is applied; the rotation is over. The record carries the outcome, and the journal
   * stays until the outcome's event is kept by whoever reports it (the outbox).
   */
  DONE
}
