package io.fleetrotate.agent.daemon;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.agent.os.Durable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How fast each watched file grows: the last size seen, when, and a rate smoothed over checks. Kept
 * in {@code stateDir/growth-rate.json} so that a short-lived process ({@code status}) estimates
 * from the daemon's last sample rather than from nothing; only the daemon's checks and {@code
 * advise} record samples. A cache: not fsynced, and an unreadable file starts the estimates afresh.
 */
final class GrowthRate {
  private static final Logger log = LoggerFactory.getLogger(GrowthRate.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE = "growth-rate.json";

  /** The last sample of one file and its smoothed rate in bytes per second. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Sample(long size, String at, double rate) {}

  private final Path file;
  private final Map<String, Sample> samples = new TreeMap<>();

  private GrowthRate(Path file) {
    this.file = file;
  }

  static GrowthRate open(Path stateDir) {
    GrowthRate g = new GrowthRate(stateDir.resolve(FILE));
    if (Files.exists(g.file)) {
      try {
        g.samples.putAll(
            JSON.readValue(g.file.toFile(), new TypeReference<Map<String, Sample>>() {}));
      } catch (IOException e) {
        log.debug("starting growth estimates afresh, {} is unreadable: {}", g.file, e.getMessage());
      }
    }
    return g;
  }

  /**
   * Bytes per second, smoothed over samples, with {@code size} seen now as the next sample; a
   * shrinking file (rotated) keeps the last estimate. Records nothing.
   */
  synchronized double estimate(Path live, long size, Instant now) {
    Sample last = samples.get(live.toString());
    double rate = last == null ? 0 : last.rate();
    if (last != null && size >= last.size()) {
      Instant lastAt = Instant.parse(last.at());
      if (now.isAfter(lastAt)) {
        double seconds = Duration.between(lastAt, now).toMillis() / 1000.0;
        double sample = (size - last.size()) / seconds;
        rate = rate == 0 ? sample : 0.7 * rate + 0.3 * sample;
      }
    }
    return rate;
  }

  /**
   * As {@link #estimate}, and records the sample: a shrinking file restarts the measure from its
   * new size.
   */
  synchronized double update(Path live, long size, Instant now) {
    double rate = estimate(live, size, now);
    samples.put(live.toString(), new Sample(size, now.toString(), rate));
    return rate;
  }

  /** Writes the samples beside the agent's state; a failure only costs the next estimate. */
  synchronized void save() {
    try {
      Durable.SYSTEM.replaceCache(
          file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(samples));
    } catch (IOException e) {
      log.debug("cannot save the growth estimates to {}: {}", file, e.getMessage());
    }
  }
}
