package io.fleetrotate.coordinator.history;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against the embedded SQLite database. */
class EmbeddedHistoryStoreTest extends HistoryStoreContract {
  @TempDir Path dir;

  @Override
  HistoryStore open(Duration retention, Clock clock) throws IOException {
    return SqlHistoryStore.openEmbedded(dir, retention, clock);
  }
}
