package io.fleetrotate.lock;

/**
 * The lock service answered, and refused: a wrong or missing password, an ACL user without a
 * command or key the lock needs, a lock key of the wrong type, a cluster that does not accept this
 * client, a certificate that is not trusted. Waiting does not help and neither does rotating
 * without a lease: it is a configuration error, and the message says what was refused and what to
 * fix.
 *
 * <p>It extends {@link LockUnavailableException} so that a refusal still ends every wait and retry
 * loop that ends on an outage; a caller that would act on an outage (the emergency rotation) must
 * catch this type first.
 */
public final class LockRefusedException extends LockUnavailableException {
  private static final long serialVersionUID = 1L;

  public LockRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
