package io.fleetrotate.lock;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Marker;

/**
 * Keeps the first line the lock clients log about reconnecting, and drops the repeats: while the
 * lock service is down Lettuce's {@code ConnectionWatchdog} ("Cannot reconnect") and Hazelcast's
 * client connection manager ("Unable to get live cluster connection ... attempt: N") log every
 * retry, and the agent's own WARN already says what is going on. A logger that has been quiet for
 * {@link #quietMillis} is let through again, so the next outage shows its first line too. ERROR
 * lines always pass.
 */
public final class ReconnectChatterFilter extends TurboFilter {
  private static final String[] CHATTY = {
    "io.lettuce.core.protocol.ConnectionWatchdog",
    "io.lettuce.core.protocol.ReconnectionHandler",
    "com.hazelcast.client.impl.connection"
  };

  private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();
  private long quietMillis = TimeUnit.MINUTES.toMillis(2);

  /** How long a logger must be quiet before its next line passes again (logback.xml). */
  public void setQuietMillis(long quietMillis) {
    this.quietMillis = quietMillis;
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (logger == null || format == null || level.isGreaterOrEqual(Level.ERROR)) {
      return FilterReply.NEUTRAL;
    }
    String name = logger.getName();
    if (!isChatty(name) || !logger.isEnabledFor(level)) {
      return FilterReply.NEUTRAL;
    }
    long now = System.nanoTime() / 1_000_000;
    Long before = lastSeen.put(name, now);
    return before == null || now - before >= quietMillis ? FilterReply.NEUTRAL : FilterReply.DENY;
  }

  private static boolean isChatty(String name) {
    for (String prefix : CHATTY) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
