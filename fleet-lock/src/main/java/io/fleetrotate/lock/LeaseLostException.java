package io.fleetrotate.lock;

/** The lease expired or was revoked while its holder was still working. */
public class LeaseLostException extends Exception {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message) {
    super(message);
  }
}
