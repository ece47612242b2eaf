package io.fleetrotate.coordinator.history;

import io.fleetrotate.testsupport.PostgresServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/** The store contract against a real PostgreSQL server, one fresh database per test. */
class PostgresHistoryStoreTest extends HistoryStoreContract {
  static PostgresServer server;
  String database;

  @BeforeAll
  static void startServer() {
    var bin = PostgresServer.binaries();
    Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL is not installed");
    server = PostgresServer.start(bin.get());
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
        server.jdbcUrl(database), PostgresServer.USER, "", 2, retention, clock);
  }
}
