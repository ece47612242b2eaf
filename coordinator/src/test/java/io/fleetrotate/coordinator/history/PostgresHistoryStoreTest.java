package io.fleetrotate.coordinator.history;

import io.fleetrotate.testsupport.ManagedPostgres;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The store contract against a real PostgreSQL server, one fresh database per test: the upstream
 * {@code postgres:17} image through Testcontainers where Docker has it, else the installed server.
 */
class PostgresHistoryStoreTest extends HistoryStoreContract {
  static ManagedPostgres server;
  String database;

  @BeforeAll
  static void startServer() {
    server = ManagedPostgres.start().orElse(null);
    Assumptions.assumeTrue(
        server != null, "no PostgreSQL: neither Docker's postgres:17 nor installed");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void createDatabase(TestInfo test) {
    database = test.getTestMethod().orElseThrow().getName().toLowerCase();
    server.createDatabase(database);
  }

  @Override
  HistoryStore open(Duration retention, Clock clock) throws IOException {
    return SqlHistoryStore.openPostgres(
        server.jdbcUrl(database), server.user(), server.password(), 2, retention, clock);
  }
}
