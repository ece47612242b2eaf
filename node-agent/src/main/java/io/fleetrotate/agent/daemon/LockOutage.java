package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.config.LockConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the lock service is reachable, as this agent last found it. An outage is a state: it is
 * logged once when it begins (naming the service and what the agent does meanwhile) and once when
 * it ends (with its length), and each file is reported at most once while it lasts, instead of a
 * failed rotation per file per check.
 *
 * <p>Written by the agent's worker thread, read by the HTTP server and the heartbeat: the reads see
 * a consistent {@link State}.
 */
public final class LockOutage {
  private static final Logger log = LoggerFactory.getLogger(LockOutage.class);

  /** The lock service's state: {@code unavailableSince} is empty while it is reachable. */
  public record State(String backend, Optional<Instant> unavailableSince, Optional<String> why) {
    public boolean available() {
      return unavailableSince.isEmpty();
    }
  }

  private final LockConfig config;
  private final String backend;
  private final Clock clock;
  private final Set<Path> reported = new HashSet<>();
  private volatile State state;

  LockOutage(LockConfig config, String backend, Clock clock) {
    this.config = config;
    this.backend = backend;
    this.clock = clock;
    this.state = new State(backend, Optional.empty(), Optional.empty());
  }

  public State state() {
    return state;
  }

  /**
   * Records that {@code live} could not get a lease because the service is unreachable. Returns
   * true if this is the first time in this outage for {@code live}, i.e. the agent should report
   * it.
   */
  boolean unavailable(Path live, String why) {
    if (state.available()) {
      state = new State(backend, Optional.of(clock.instant()), Optional.of(why));
      log.warn(
          "the {} lock service ({}) is unreachable: {}; {}",
          backend,
          target(),
          why,
          config.onUnavailable() == LockConfig.OnUnavailable.ROTATE_WHEN_CRITICAL
              ? "due logs wait for it, except that a log whose disk is used above "
                  + Math.round(config.criticalDiskRatio() * 100)
                  + "% is rotated alone, without a lease"
              : "due logs wait for it (onUnavailable: wait), and are rotated once it is back");
    }
    return reported.add(live);
  }

  /** Records that the service answered; ends an outage if one was going on. */
  void reachable() {
    State s = state;
    if (s.available()) {
      return;
    }
    Duration length = Duration.between(s.unavailableSince().get(), clock.instant());
    state = new State(backend, Optional.empty(), Optional.empty());
    log.info(
        "the {} lock service ({}) is reachable again after {} s; {} deferred log(s) are rotated"
            + " as they come due",
        backend,
        target(),
        Math.max(0, length.toSeconds()),
        reported.size());
    reported.clear();
  }

  /** Where the service is, without a password. */
  private String target() {
    return switch (config.backend()) {
      case REDIS -> config.redis().map(r -> maskPassword(r.uri())).orElse("redis");
      case HAZELCAST ->
          config
              .hazelcast()
              .map(h -> "members " + h.members() + ", cluster " + h.clusterName())
              .orElse("hazelcast");
      default -> backend;
    };
  }

  static String maskPassword(String uri) {
    return uri.replaceFirst("//[^@/]*@", "//***@");
  }
}
