package io.fleetrotate.chaos.fleet;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals by name, with the system's {@code kill}: Java can send only TERM and KILL. */
public final class Signals {
  private Signals() {}

  /**
   * Sends {@code signal} (a name such as HUP, STOP, CONT, INT) to {@code pid}; a process that is
   * already gone is not an error.
   */
  public static void send(String signal, long pid) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-s", signal, Long.toString(pid))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill -s " + signal + " " + pid + " hung");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
