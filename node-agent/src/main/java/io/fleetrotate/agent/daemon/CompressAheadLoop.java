package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.ahead.AheadLock;
import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.agent.os.LibC;
import io.fleetrotate.proto.DaemonThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compress-ahead in the background: on its own low-priority thread (nice 10), every few seconds,
 * appends each whole span ({@code compress.aheadFrame}) a watched log has grown by to its partial,
 * at {@code compress.maxBytesPerSecond} when set. One span per {@link AheadLock} hold, and none
 * while a rotation holds it. Never on an event loop.
 *
 * <p>When a log is written faster than the niced thread compresses it (a busy machine leaves a
 * nice-10 thread a few percent of a core), the partial {@linkplain AheadPartial#fallingBehind falls
 * behind} and the rotation would compress the backlog at once. Then the frames of that log go on on
 * a second thread at the agent's own priority until the partial has caught up (less than a span
 * uncovered), and the next pass starts niced again. Raising the niced thread's priority back would
 * need CAP_SYS_NICE or an RLIMIT_NICE allowance, which an agent running as its own user lacks; the
 * second thread was made by {@link #start()}'s caller, whose priority it keeps. The rate limit is
 * the operator's and stays.
 */
final class CompressAheadLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CompressAheadLoop.class);
  private static final Duration MAX_PASS_INTERVAL = Duration.ofSeconds(2);
  private static final int NICE = 10;

  /** Spans left uncovered after a frame, and not shrinking, that count as falling behind. */
  static final int BEHIND_SPANS = 4;

  private final AgentConfig config;
  private final AgentOwnFiles own;

  /** The niced thread's: keeps its zstd context while logs grow; freed after an idle pass. */
  private final Compressor compressor = Compressor.background();

  /**
   * The catch-up thread's own (a kept compressor serves one thread); freed when a catch-up ends.
   */
  private final Compressor catchUpCompressor = Compressor.background();

  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fleetrotate-compress-ahead");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
          });

  /**
   * At the agent's priority: made by {@link #start()}'s caller (a new thread starts with its
   * creator's nice value), idle unless a partial falls behind.
   */
  private final ThreadPoolExecutor catchUpThread =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(),
          DaemonThreads.named("fleetrotate-ahead-catch-up"));

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
    catchUpThread.prestartCoreThread(); // here, at the caller's priority, not the niced thread's
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
          added |= catchUp(partial, request.get(), live, entry.compress().aheadFrame());
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
  private boolean catchUp(AheadPartial partial, CompressionRequest request, Path live, long span)
      throws IOException {
    if (partial.idle()) {
      return false; // not grown by a frame since the last pass: no lock, no look
    }
    return addFrames(partial, request, live, span, false);
  }

  /**
   * Adds frames until none is whole, a rotation holds the lock, or (on the niced thread) the
   * partial falls behind, when the catch-up thread adds the rest; whether any was added.
   */
  private boolean addFrames(
      AheadPartial partial,
      CompressionRequest request,
      Path live,
      long span,
      boolean onCatchUpThread)
      throws IOException {
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
      if (!onCatchUpThread && partial.fallingBehind(BEHIND_SPANS)) {
        log.debug("compress-ahead of {} falls behind; catching up at the agent's priority", live);
        compressor.release(); // one zstd context at a time: the catch-up thread makes its own
        // The same partial files, through the catch-up thread's own compressor.
        AheadPartial fast = AheadPartial.of(live, config.stateDir(), catchUpCompressor, span);
        onCatchUpThread(
            () -> {
              try {
                return addFrames(fast, request, live, span, true);
              } finally {
                catchUpCompressor.release();
              }
            });
        return true;
      }
    }
    return added;
  }

  /** Runs {@code frames} on the catch-up thread and waits for it; stops it if interrupted. */
  private void onCatchUpThread(Callable<Boolean> frames) throws IOException {
    Future<Boolean> done = catchUpThread.submit(frames);
    try {
      done.get();
    } catch (InterruptedException e) {
      done.cancel(true);
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("compress-ahead catch-up failed", e.getCause());
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.shutdownNow();
    catchUpThread.shutdownNow();
    if (thread.awaitTermination(30, TimeUnit.SECONDS)
        && catchUpThread.awaitTermination(30, TimeUnit.SECONDS)) {
      compressor.release(); // both threads are gone
      catchUpCompressor.release();
    }
  }
}
