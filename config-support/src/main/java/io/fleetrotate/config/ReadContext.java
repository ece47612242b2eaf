package io.fleetrotate.config;

/** What every part of one load shares: where errors go and the environment. */
public record ReadContext(Problems problems, EnvSubstitution env) {

  public void error(int line, String keyPath, String message) {
    problems.add(line, keyPath, message);
  }
}
