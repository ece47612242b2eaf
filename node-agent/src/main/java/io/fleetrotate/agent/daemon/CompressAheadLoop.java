package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.ahead.AheadLock;
import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.agent.os.LibC;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compress-ahead in the background: on its own low-priority thread (nice 10), every few seconds,
 * appends each whole frame span ({@code compress.aheadFrame}) a watched log has grown by to its
 * partial, at {@code compress.maxBytesPerSecond} when set. One frame per {@link AheadLock} hold,
 * and none while a rotation holds it. Never on an event loop.
 */
final class CompressAheadLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CompressAheadLoop.class);
  private static final Duration MAX_PASS_INTERVAL = Duration.ofSeconds(2);
  private static final int NICE = 10;

  private final AgentConfig config;
  private final AgentOwnFiles own;

  /** Keeps its zstd context while logs grow; freed after a pass that added no frame. */
  private final Compressor compressor = Compressor.background();

  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fleetrotate-compress-ahead");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
          });
  private volatile boolean stopping;

  /**
   * Each watched log's partial, kept across passes (only the loop's thread touches it) so that a
   * pass over a log that has not grown a frame costs two stats, not a look at the partial.
   */
  private Map<Path, AheadPartial> partials = new HashMap<>();

  CompressAheadLoop(AgentConfig config, ZoneId zone) {
    this.config = config;
    this.own = new AgentOwnFiles(config.stateDir(), zone);
  }

  /** Starts the passes if any file entry has {@code compress.ahead} on. */
  void start() {
    if (config.files().stream().noneMatch(f -> f.compress().ahead())) {
      return;
    }
    long every = Math.min(config.checkInterval().toMillis(), MAX_PASS_INTERVAL.toMillis());
    thread.execute(CompressAheadLoop::lowerPriority);
    thread.scheduleWithFixedDelay(this::pass, every, every, TimeUnit.MILLISECONDS);
  }

  private static void lowerPriority() {
    try {
      LibC.INSTANCE.setpriority(0, 0, NICE);
    } catch (RuntimeException | LinkageError e) {
      log.debug("compress-ahead keeps the agent's priority: {}", e.toString());
    }
  }

  private void pass() {
    boolean added = false;
    Map<Path, AheadPartial> seen = new HashMap<>();
    for (FileConfig entry : config.files()) {
      Optional<CompressionRequest> request = SpecFactory.compression(entry.compress());
      if (!entry.compress().ahead() || request.isEmpty()) {
        continue;
      }
      try {
        for (Path live : WatchedFiles.expand(entry, own)) {
          AheadPartial partial = partials.get(live);
          if (partial == null) {
            partial =
                AheadPartial.of(live, config.stateDir(), compressor, entry.compress().aheadFrame());
          }
          seen.put(live, partial);
          added |= catchUp(partial, request.get(), live);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("compress-ahead of {} failed this pass: {}", entry.path(), e.toString());
      }
    }
    partials = seen; // logs no longer watched are forgotten
    if (!added) {
      compressor.release();
    }
  }

  /** Adds every whole frame {@code live} has grown by; whether it added any. */
  private boolean catchUp(AheadPartial partial, CompressionRequest request, Path live)
      throws IOException {
    if (partial.idle()) {
      return false; // not grown by a frame since the last pass: no lock, no look
    }
    boolean added = false;
    while (!stopping && !Thread.currentThread().isInterrupted()) {
      Optional<AheadLock> held = AheadLock.tryAcquire(config.stateDir());
      if (held.isEmpty()) {
        return added; // a rotation is under way; the next pass goes on
      }
      try (AheadLock lock = held.get()) {
        if (!partial.advance(request)) {
          return added;
        }
      }
      added = true;
      log.debug("compressed ahead one more span of {}", live);
    }
    return added;
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.shutdownNow();
    if (thread.awaitTermination(30, TimeUnit.SECONDS)) {
      compressor.release(); // its thread is gone
    }
  }
}
