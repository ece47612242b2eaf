package io.fleetrotate.agent.config;

import io.fleetrotate.config.TlsConfig;
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
 * @param tls for an https url: the CA that signs the coordinator's certificate (a private CA's PEM
 *     file; absent means the JVM's trust store) and the agent's client certificate
 */
public record CoordinatorConfig(
    URI url, Optional<String> token, Duration heartbeat, TlsConfig tls) {
  public CoordinatorConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(heartbeat, "heartbeat");
    Objects.requireNonNull(tls, "tls");
  }

  /** Trusting the JVM's CAs. */
  public CoordinatorConfig(URI url, Optional<String> token, Duration heartbeat) {
    this(url, token, heartbeat, TlsConfig.NONE);
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
        + tls.ca().map(f -> ", tls.ca=" + f).orElse("")
        + tls.cert().map(f -> ", tls.cert=" + f).orElse("")
        + "]";
  }
}
