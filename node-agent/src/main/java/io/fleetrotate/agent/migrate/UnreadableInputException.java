package io.fleetrotate.agent.migrate;

/** An input (a named file, an include) cannot be read, or holds nothing to import; one sentence. */
public final class UnreadableInputException extends Exception {
  private static final long serialVersionUID = 1L;

  UnreadableInputException(String message) {
    super(message);
  }
}
