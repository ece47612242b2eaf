package io.fleetrotate.chaos.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * Stands in for an MCP server that logs JSON lines: appends realistic lines at a steady rate to one
 * file, holding it open like a server whose log is a file descriptor, and reopens the path on
 * SIGHUP (close, open again for append), which is what the agent's {@code reopen: {method: signal}}
 * expects. On SIGTERM or SIGINT, or after {@code --seconds}, it stops and prints the last sequence
 * number it wrote.
 */
@Command(
    name = "simulated-mcp-server",
    mixinStandardHelpOptions = true,
    description = {
      "Writes realistic MCP server log lines (JSON, each with a rising \"seq\") to a file at a"
          + " steady rate; reopens the file on SIGHUP; prints the last seq when it stops."
    })
public final class SimulatedMcpServer implements Callable<Integer> {
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  @Option(names = "--log", required = true, description = "The log file to append to.")
  Path log;

  @Option(names = "--pid-file", description = "Write this process's pid here (removed at exit).")
  Path pidFile;

  @Option(
      names = "--rate",
      defaultValue = "300",
      description = "Lines per second (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--seconds",
      defaultValue = "0",
      description = "Stop after this many seconds; 0 (default) runs until SIGTERM.")
  double seconds;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the line generator.")
  long seed;

  @Option(
      names = "--exit-with-parent",
      description = "Exit when the process with this pid ends (so that no writer outlives a test).")
  Long parentPid;

  private final AtomicBoolean reopen = new AtomicBoolean();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile long lastSeq;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SimulatedMcpServer()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (rate < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--rate must be at least 1 line per second");
    }
    Signal.handle(new Signal("HUP"), s -> reopen.set(true));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.set(true);
                  try {
                    stopped.await(5, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "mcp-server-stop"));
    if (parentPid != null) {
      ProcessHandle.of(parentPid)
          .ifPresentOrElse(p -> p.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
    }
    Files.createDirectories(log.toAbsolutePath().getParent());
    try {
      writeLoop();
    } finally {
      if (pidFile != null) {
        Files.deleteIfExists(pidFile);
      }
      System.out.println("last seq " + lastSeq);
      System.out.flush();
      stopped.countDown();
    }
    return 0;
  }

  private void writeLoop() throws IOException, InterruptedException {
    McpLogLines lines = new McpLogLines(seed);
    FileChannel out = open();
    if (pidFile != null) {
      writePidFile();
    }
    long start = System.nanoTime();
    long end = seconds > 0 ? start + (long) (seconds * 1e9) : Long.MAX_VALUE;
    StringBuilder batch = new StringBuilder(64 * 1024);
    boolean cutLine = false;
    try {
      while (!stop.get()) {
        long now = System.nanoTime();
        if (now - end >= 0) {
          break;
        }
        if (reopen.getAndSet(false)) {
          out.close();
          out = open();
        }
        long due = (long) ((now - start) / 1e9 * rate);
        if (lines.seq() >= due) {
          TimeUnit.NANOSECONDS.sleep(TICK_NANOS);
          continue;
        }
        batch.setLength(0);
        // Bounded, so that catching up after a pause (SIGSTOP) takes several writes.
        long upTo = Math.min(due, lines.seq() + Math.max(1, rate / 5));
        long first = lines.seq() + 1;
        while (lines.seq() < upTo) {
          lines.next(Instant.now(), batch);
        }
        if (cutLine) {
          // The last failed write may have left part of a line: end it, so that the next line
          // starts on a line of its own.
          batch.insert(0, '\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(batch.toString().getBytes(StandardCharsets.UTF_8));
        try {
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
          cutLine = false;
        } catch (IOException e) {
          if (!diskFull(e)) {
            throw e;
          }
          cutLine = true;
          // Like a server that logs on a full disk: the lines are gone, the server goes on. Said
          // on stdout, so that a line counter does not blame the rotation for them.
          System.out.println("dropped seq " + first + ".." + upTo + " (disk full)");
          System.out.flush();
        }
        lastSeq = lines.seq();
      }
    } finally {
      out.close();
    }
  }

  private static boolean diskFull(IOException e) {
    String m = e.getMessage();
    return m != null && (m.contains("No space left") || m.contains("Disk quota exceeded"));
  }

  private FileChannel open() throws IOException {
    return FileChannel.open(
        log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private void writePidFile() {
    try {
      Path tmp = pidFile.resolveSibling("." + pidFile.getFileName() + ".tmp");
      Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
      Files.move(tmp, pidFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the pid file " + pidFile, e);
    }
  }
}
