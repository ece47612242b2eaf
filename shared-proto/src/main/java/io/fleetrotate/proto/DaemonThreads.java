package io.fleetrotate.proto;

import java.util.concurrent.ThreadFactory;

/** Thread factories for the background threads of the agent and the coordinator. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /**
   * Daemon threads named {@code name}, so that a stop is not held up by them and a thread dump says
   * whose they are.
   */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
