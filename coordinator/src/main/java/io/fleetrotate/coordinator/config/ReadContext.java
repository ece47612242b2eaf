package io.fleetrotate.coordinator.config;

/** What every part of one load shares: where errors go and the environment. */
record ReadContext(Problems problems, EnvSubstitution env) {

  void error(int line, String keyPath, String message) {
    problems.add(line, keyPath, message);
  }
}
