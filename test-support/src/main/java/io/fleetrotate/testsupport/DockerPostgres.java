package io.fleetrotate.testsupport;

import java.io.IOException;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The upstream {@code postgres:17} image, through Testcontainers' PostgreSQL module. CI has no
 * image registry: there ci/docker-up.sh builds a stand-in with that tag (ci/images/postgres).
 */
final class DockerPostgres implements ManagedPostgres {
  static final DockerImageName IMAGE = DockerImageName.parse("postgres:17");
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

  private final PostgreSQLContainer container;

  private DockerPostgres(PostgreSQLContainer container) {
    this.container = container;
  }

  /** Why the container is not used (no Docker, or no local image); empty when it can be. */
  static String unusableReason() {
    if (!DockerProbe.isReachable()) {
      return DockerProbe.unreachableReason();
    }
    try {
      DockerClientFactory.instance().client().inspectImageCmd(IMAGE.asCanonicalNameString()).exec();
      return "";
    } catch (RuntimeException e) {
      return "Docker has no local " + IMAGE + " image and none is pulled here";
    }
  }

  /**
   * Starts the container; returns once it accepts connections, after printing its image, id and the
   * server's version.
   *
   * @throws IllegalStateException if it does not start; the message says how to do without it
   */
  static DockerPostgres start() {
    PostgreSQLContainer container =
        new PostgreSQLContainer(IMAGE)
            .withDatabaseName("postgres")
            .withUsername(PostgresServer.USER)
            .withPassword("fleetrotate-test")
            // A first start on the vfs storage driver copies the image's layers: slow.
            .withStartupTimeout(STARTUP_TIMEOUT);
    try {
      container.start();
      DockerPostgres pg = new DockerPostgres(container);
      System.out.println(
          "ManagedPostgres: Testcontainers "
              + IMAGE
              + ", container "
              + container.getContainerId().substring(0, 12)
              + ", "
              + pg.exec("postgres", "--version").strip());
      return pg;
    } catch (RuntimeException e) {
      container.stop();
      throw new IllegalStateException(
          "Docker has "
              + IMAGE
              + " but its container did not start ("
              + e.getMessage()
              + "); fix Docker, or set "
              + ManagedPostgres.SOURCE_VARIABLE
              + "=installed to use the installed server.",
          e);
    }
  }

  @Override
  public Source source() {
    return Source.DOCKER;
  }

  @Override
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://"
        + container.getHost()
        + ":"
        + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)
        + "/"
        + database;
  }

  @Override
  public String user() {
    return container.getUsername();
  }

  @Override
  public String password() {
    return container.getPassword();
  }

  @Override
  public void createDatabase(String name) {
    exec("createdb", "-U", user(), name);
  }

  /** Runs a command in the container (as root; the local socket trusts every user). */
  private String exec(String... command) {
    String what = String.join(" ", command);
    try {
      ExecResult r = container.execInContainer(command);
      if (r.getExitCode() != 0) {
        throw new IllegalStateException(what + " failed: " + r.getStderr().strip());
      }
      return r.getStdout();
    } catch (IOException e) {
      throw new IllegalStateException(what + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + what, e);
    }
  }

  @Override
  public void close() {
    container.stop();
  }
}
