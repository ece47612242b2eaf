package io.fleetrotate.testsupport;

import java.util.Optional;

/**
 * A real PostgreSQL server for tests: a {@code postgres:17} container through Testcontainers when a
 * Docker engine is reachable and has that image (nothing is pulled), else the installed server run
 * by {@link PostgresServer} (initdb in a temporary directory). Which one is printed.
 */
public interface ManagedPostgres extends AutoCloseable {

  /** A JDBC URL of a database on this server; {@code postgres} always exists. */
  String jdbcUrl(String database);

  String user();

  String password();

  /** Creates a database for one test. */
  void createDatabase(String name);

  @Override
  void close();

  /**
   * Starts the container or the installed server; empty, with the reason printed, when neither can
   * be had (under {@code CI=true} that fails instead).
   */
  static Optional<ManagedPostgres> start() {
    String docker = DockerPostgres.unusableReason();
    if (docker.isEmpty()) {
      System.out.println("ManagedPostgres: Testcontainers " + DockerPostgres.IMAGE);
      return Optional.of(DockerPostgres.start());
    }
    Optional<ManagedPostgres> installed =
        PostgresServer.binaries().map(bin -> (ManagedPostgres) PostgresServer.start(bin));
    installed.ifPresent(
        pg ->
            System.out.println(
                "ManagedPostgres: the installed server through initdb (" + docker + ")"));
    return installed;
  }
}
