package io.fleetrotate.testsupport;

import java.util.Locale;
import java.util.Optional;

/**
 * A real PostgreSQL server for tests: a {@code postgres:17} container through Testcontainers when a
 * Docker engine is reachable and has that image (nothing is pulled), else the installed server run
 * by {@link PostgresServer} (initdb in a temporary directory). {@value #SOURCE_VARIABLE}{@code
 * =docker|installed} forces one (CI sets {@code installed} for the suite and runs one test class on
 * Docker). Which one is used is printed.
 */
public interface ManagedPostgres extends AutoCloseable {
  String SOURCE_VARIABLE = "FLEETROTATE_TEST_POSTGRES";

  /** Where the server comes from. */
  enum Source {
    /** The {@code postgres:17} image through Testcontainers. */
    DOCKER,
    /** The installed server's initdb and postgres ({@link PostgresServer}). */
    INSTALLED
  }

  Source source();

  /** A JDBC URL of a database on this server; {@code postgres} always exists. */
  String jdbcUrl(String database);

  String user();

  String password();

  /** Creates a database for one test. */
  void createDatabase(String name);

  @Override
  void close();

  /**
   * Starts the source {@value #SOURCE_VARIABLE} names (system property first, then environment), or
   * else the container when it can be had and the installed server otherwise; empty, with the
   * reason printed, when none can be had (under {@code CI=true} that fails instead).
   *
   * @throws IllegalArgumentException if {@value #SOURCE_VARIABLE} names no source
   */
  static Optional<ManagedPostgres> start() {
    String value =
        Optional.ofNullable(System.getProperty(SOURCE_VARIABLE))
            .orElse(System.getenv(SOURCE_VARIABLE));
    if (value == null || value.isBlank()) {
      String docker = DockerPostgres.unusableReason();
      return docker.isEmpty() ? Optional.of(DockerPostgres.start()) : installed(docker);
    }
    String forcedBy = SOURCE_VARIABLE + "=" + value;
    try {
      return start(Source.valueOf(value.strip().toUpperCase(Locale.ROOT)), forcedBy);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          forcedBy
              + " names no PostgreSQL source; allowed are docker and installed, or unset it to"
              + " choose automatically.");
    }
  }

  /**
   * Starts only {@code source}, whatever {@value #SOURCE_VARIABLE} says; empty, with the reason
   * printed, when it cannot be had (under {@code CI=true} that fails instead).
   *
   * @param forcedBy who forces it, for the printed line
   */
  static Optional<ManagedPostgres> start(Source source, String forcedBy) {
    if (source == Source.INSTALLED) {
      return installed(forcedBy);
    }
    String docker = DockerPostgres.unusableReason();
    if (docker.isEmpty()) {
      return Optional.of(DockerPostgres.start());
    }
    String why = forcedBy + " requires Docker's " + DockerPostgres.IMAGE + " but " + docker;
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + "; CI builds the image with ci/docker-up.sh");
    }
    System.out.println("ManagedPostgres: " + why + "; skipped");
    return Optional.empty();
  }

  private static Optional<ManagedPostgres> installed(String why) {
    Optional<ManagedPostgres> installed =
        PostgresServer.binaries().map(bin -> (ManagedPostgres) PostgresServer.start(bin));
    installed.ifPresent(
        pg ->
            System.out.println(
                "ManagedPostgres: the installed server through initdb (" + why + ")"));
    return installed;
  }
}
