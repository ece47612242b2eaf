package io.fleetrotate.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local backend's fencing counter file never holds less than a token already granted, in any
 * state it passes through: after a kill of the process, the next one reads exactly such a state
 * (the page cache outlives the process), so a kill never sends the counter back.
 */
@Timeout(60)
class LocalFenceCounterTest {

  @TempDir Path dir;

  @Test
  void everyStateOfTheCounterFileIsAWholeValueThatNeverGoesBack() throws Exception {
    Path counter = dir.resolve("g.fence");
    AtomicBoolean granting = new AtomicBoolean(true);
    List<String> seen = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              while (granting.get()) {
                try {
                  if (Files.exists(counter)) {
                    seen.add(Files.readString(counter, StandardCharsets.US_ASCII));
                  }
                } catch (java.io.IOException e) {
                  seen.add("unreadable: " + e);
                }
              }
            });
    long last;
    try (LocalFleetLock lock = new LocalFleetLock(dir, 1)) {
      reader.start();
      last = 0;
      for (int i = 0; i < 2000; i++) {
        try (Lease l = lock.acquire("g", 0.5, Duration.ofSeconds(5))) {
          assertThat(l.fencingToken()).isGreaterThan(last);
          last = l.fencingToken();
        }
      }
    } finally {
      granting.set(false);
      reader.join();
    }
    assertThat(seen).as("states read while granting").hasSizeGreaterThan(100);
    long previous = 0;
    for (String state : seen) {
      if (state.isEmpty() && previous == 0) {
        continue; // created, not yet written: nothing granted, nothing to go back from
      }
      assertThat(state).as("a whole record, never empty or cut").matches("\\d{19}\n");
      long value = Long.parseLong(state.trim());
      assertThat(value).as("never below an earlier state").isGreaterThanOrEqualTo(previous);
      previous = value;
    }
    assertThat(previous).isLessThanOrEqualTo(last);
  }

  @Test
  void aCounterInTheEarlierShorterFormatIsReadAndReplacedWhole() throws Exception {
    Files.writeString(dir.resolve("g.fence"), "41\n");
    try (LocalFleetLock lock = new LocalFleetLock(dir, 1);
        Lease l = lock.acquire("g", 0.5, Duration.ofSeconds(5))) {
      assertThat(l.fencingToken()).isEqualTo(42);
    }
    assertThat(Files.readString(dir.resolve("g.fence"))).isEqualTo("0000000000000000042\n");
  }
}
