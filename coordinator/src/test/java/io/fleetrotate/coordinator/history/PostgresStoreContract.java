package io.fleetrotate.coordinator.history;

import io.fleetrotate.testsupport.ManagedPostgres;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The store contract against a real PostgreSQL server, one fresh database per test; each subclass
 * starts {@link #server} its own way in a {@code @BeforeAll} method.
 */
abstract class PostgresStoreContract extends HistoryStoreContract {
  static ManagedPostgres server;
  String database;

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
      server = null;
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
