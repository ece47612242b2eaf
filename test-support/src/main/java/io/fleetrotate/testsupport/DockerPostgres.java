package io.fleetrotate.testsupport;

import java.io.IOException;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** The upstream {@code postgres:17} image, through Testcontainers' PostgreSQL module. */
final class DockerPostgres implements ManagedPostgres {
  static final DockerImageName IMAGE = DockerImageName.parse("postgres:17");

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

  static DockerPostgres start() {
    PostgreSQLContainer container =
        new PostgreSQLContainer(IMAGE)
            .withDatabaseName("postgres")
            .withUsername(PostgresServer.USER)
            .withPassword("fleetrotate-test");
    container.start();
    return new DockerPostgres(container);
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
    try {
      ExecResult r =
          container.execInContainer(List.of("createdb", "-U", user(), name).toArray(String[]::new));
      if (r.getExitCode() != 0) {
        throw new IllegalStateException("createdb " + name + " failed: " + r.getStderr());
      }
    } catch (IOException e) {
      throw new IllegalStateException("createdb " + name + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating database " + name, e);
    }
  }

  @Override
  public void close() {
    container.stop();
  }
}
