package io.fleetrotate.coordinator.history;

import io.fleetrotate.testsupport.ManagedPostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract against the PostgreSQL server the fixture chooses: the upstream {@code
 * postgres:17} image through Testcontainers where Docker has it, else the installed server, or the
 * one FLEETROTATE_TEST_POSTGRES names (CI: installed; {@link DockerPostgresHistoryStoreTest} runs
 * the same tests on the container).
 */
class PostgresHistoryStoreTest extends PostgresStoreContract {

  @BeforeAll
  static void startServer() {
    server = ManagedPostgres.start().orElse(null);
    Assumptions.assumeTrue(
        server != null, "no PostgreSQL: neither Docker's postgres:17 nor installed");
  }
}
