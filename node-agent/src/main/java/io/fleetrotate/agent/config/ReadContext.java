package io.fleetrotate.agent.config;

import java.time.ZoneId;
import java.util.Optional;
import java.util.function.Supplier;

/** What every part of one load shares: where errors go, the environment, the host's defaults. */
record ReadContext(
    Problems problems,
    EnvSubstitution env,
    Supplier<Optional<String>> hostName,
    ZoneId defaultZone) {

  void error(int line, String keyPath, String message) {
    problems.add(line, keyPath, message);
  }
}
