package io.fleetrotate.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A person reading the start-up log finds where the coordinator listens, as a URL. */
class StartLogTest {
  @TempDir Path dir;

  @Test
  void startLogsListeningOnItsUrl() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(Coordinator.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Level before = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addAppender(logged);
    try (Coordinator c =
        Coordinator.start(TestCoordinators.config(dir), new MutableClock(Instant.now()))) {
      assertThat(logged.list)
          .filteredOn(e -> e.getLevel() == Level.INFO)
          .extracting(ILoggingEvent::getFormattedMessage)
          .contains(
              "coordinator listening on http://127.0.0.1:"
                  + c.port()
                  + " (dashboard at /, API at /api/v1), store "
                  + dir);
    } finally {
      logger.detachAppender(logged);
      logger.setLevel(before);
    }
  }
}
