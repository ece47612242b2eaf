package io.fleetrotate.agent.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the agent reports ({@code coordinator}); the section is optional.
 *
 * @param url the coordinator's base URL, http or https
 * @param token bearer token for heartbeats and events; empty when the coordinator needs none
 * @param heartbeat how often to send a heartbeat (default 15s)
 */
public record CoordinatorConfig(URI url, Optional<String> token, Duration heartbeat) {
  public CoordinatorConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(heartbeat, "heartbeat");
  }

  /** Leaves the token out: this string ends up in logs. */
  @Override
  public String toString() {
    return "CoordinatorConfig[url="
        + url
        + ", token="
        + token.map(t -> "***").orElse("none")
        + ", heartbeat="
        + heartbeat
        + "]";
  }
}
