package io.fleetrotate.agent.rotate;

/**
 * The steps of a rotation, in the order the journal records them. Public so that whoever watches
 * the steps (a {@link StepListener}, a harness that stops an agent at one) names them by this type
 * rather than by copied strings.
 */
public enum RotationStep {
  /** The plan is written; nothing has been touched yet. */
  BEGIN,
  /**
   * About to move the live file aside (rename, copy+truncate or copy+collapse). For a copy with a
   * compress-ahead partial, its {@code direct} detail names the temporary file the partial becomes,
   * which the compressed backup is written into straight from the live file; resuming deletes it
   * (an empty {@code direct} in a later MOVING record: the plain copy took over).
   */
  MOVING,
  /**
   * Copy methods only: the backup holds a durable copy of the live file's first {@code copied}
   * bytes (compressed, with {@code direct}); the live file is about to be cut. Resuming compares
   * the backup's first bytes (decoded) with the live file's to tell whether the cut happened.
   */
  COPIED,
  /**
   * The backup holds the moved bytes durably; the live file was renamed or cut. With {@code
   * direct}, the backup is already the compressed one under its final name, and the compression
   * steps have nothing left to do for it.
   */
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
