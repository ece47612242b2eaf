package io.fleetrotate.testsupport;

/**
 * No Redis of the required kind can be had on this machine. A test that needs Redis fails with
 * this; it is deliberately not an assumption failure, so the test is never skipped.
 */
final class RedisUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  RedisUnavailableException(String message) {
    super(message);
  }
}
