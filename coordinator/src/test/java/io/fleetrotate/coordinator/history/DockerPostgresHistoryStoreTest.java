package io.fleetrotate.coordinator.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.testsupport.ManagedPostgres;
import io.fleetrotate.testsupport.ManagedPostgres.Source;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract against the {@code postgres:17} container, forced whatever
 * FLEETROTATE_TEST_POSTGRES says: CI runs the other PostgreSQL tests on the installed server and
 * this class on Docker (with ci/docker-up.sh's stand-in image, as no image registry is reachable
 * there; users get the upstream image). Without Docker or the image it prints why and is skipped,
 * except under CI=true, where it fails.
 */
class DockerPostgresHistoryStoreTest extends PostgresStoreContract {

  @BeforeAll
  static void startContainer() {
    server =
        ManagedPostgres.start(Source.DOCKER, DockerPostgresHistoryStoreTest.class.getSimpleName())
            .orElse(null);
    Assumptions.assumeTrue(server != null, "no Docker engine with a postgres:17 image");
  }

  @Test
  void theServerIsTheContainerAndRefusesAWrongPasswordOverTcp() throws SQLException {
    assertThat(server.source()).isEqualTo(Source.DOCKER);
    assertThat(server.password()).isNotEmpty();
    assertThatThrownBy(
            () -> DriverManager.getConnection(server.jdbcUrl(database), server.user(), ""))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password");
    assertThatThrownBy(
            () -> DriverManager.getConnection(server.jdbcUrl(database), server.user(), "wrong"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
    try (var c =
            DriverManager.getConnection(
                server.jdbcUrl(database), server.user(), server.password());
        var r = c.createStatement().executeQuery("SELECT current_database(), current_user")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo(database);
      assertThat(r.getString(2)).isEqualTo(server.user());
    }
  }
}
