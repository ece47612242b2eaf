package io.fleetrotate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's {@code initdb} makes a cluster in a temporary
 * directory and {@code postgres} serves it on a free loopback port, trust authentication, user
 * {@value #USER}. Run as root, the server runs as the {@code postgres} user (PostgreSQL refuses
 * root). Fsync stays on, so {@link #kill()} then {@link #restart()} is a real crash and recovery.
 */
public final class PostgresServer implements ManagedPostgres {
  public static final String USER = "fleetrotate";
  private static final String HOST = "127.0.0.1";
  private static final Path VERSIONS = Path.of("/usr/lib/postgresql");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String READY_LINE = "database system is ready to accept connections";

  private static final Set<PostgresServer> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> List.copyOf(LIVE).forEach(PostgresServer::close), "fleetrotate-pg"));
  }

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final Path log;
  private final int port;
  private Process server;

  private PostgresServer(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.log = dir.resolve("postgres.log");
    this.port = port;
  }

  /**
   * The directory of the newest installed PostgreSQL's programs; empty, with the reason printed,
   * when none is installed. Under {@code CI=true} a missing PostgreSQL fails instead.
   */
  public static Optional<Path> binaries() {
    try (Stream<Path> versions = Files.list(VERSIONS)) {
      Optional<Path> bin =
          versions
              .map(v -> v.resolve("bin"))
              .filter(b -> Files.isExecutable(b.resolve("postgres")))
              .filter(b -> Files.isExecutable(b.resolve("initdb")))
              .max(Comparator.comparingInt(PostgresServer::majorVersion));
      if (bin.isPresent()) {
        return bin;
      }
    } catch (IOException e) {
      // Not installed: said below.
    }
    String why =
        "PostgreSQL is not installed under " + VERSIONS + " (apt-get install postgresql); skipped";
    System.out.println("PostgresServer: " + why);
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + "; CI must install it");
    }
    return Optional.empty();
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Runs initdb and starts the server; returns once it accepts connections.
   *
   * @throws IllegalStateException if either fails; the message carries the end of its output
   */
  public static PostgresServer start(Path bin) {
    Path dir;
    try {
      dir = Files.createTempDirectory("fleetrotate-pg-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory for PostgreSQL", e);
    }
    PostgresServer pg = new PostgresServer(bin, dir, RedisProcess.freeLoopbackPort());
    try {
      pg.initdb();
      pg.launch();
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  public int port() {
    return port;
  }

  @Override
  public Source source() {
    return Source.INSTALLED;
  }

  @Override
  public String user() {
    return USER;
  }

  /** None: the server trusts local connections. */
  @Override
  public String password() {
    return "";
  }

  @Override
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  @Override
  public void createDatabase(String name) {
    run(List.of(bin.resolve("createdb").toString(), "-h", HOST, "-p", "" + port, "-U", USER, name));
  }

  /** SIGKILL, as a crash: committed transactions must survive it. */
  public synchronized void kill() {
    if (server == null) {
      return;
    }
    server.destroyForcibly();
    try {
      server.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server = null;
  }

  /** Starts the server again on the same port and data, after {@link #kill()}. */
  public synchronized void restart() {
    kill();
    launch();
  }

  private void initdb() {
    try {
      Files.createDirectories(data);
      ownedByServerUser(dir);
      ownedByServerUser(data);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare " + data, e);
    }
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"));
  }

  private synchronized void launch() {
    // After a kill the old server's backends may still hold its shared memory for a moment.
    for (int attempt = 1; ; attempt++) {
      try {
        Files.deleteIfExists(log);
        ProcessBuilder builder =
            new ProcessBuilder(
                    asServerUser(
                        List.of(
                            bin.resolve("postgres").toString(),
                            "-D",
                            data.toString(),
                            "-p",
                            Integer.toString(port),
                            "-k",
                            dir.toString(),
                            "-c",
                            "listen_addresses=" + HOST,
                            "-c",
                            "max_connections=50")))
                .redirectErrorStream(true)
                .redirectOutput(Redirect.to(log.toFile()));
        server = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException("Cannot run " + bin.resolve("postgres") + ": " + e, e);
      }
      LIVE.add(this);
      Process launched = server;
      Polling.until(READY_TIMEOUT, () -> !launched.isAlive() || logText().contains(READY_LINE));
      if (launched.isAlive() && logText().contains(READY_LINE)) {
        return;
      }
      kill();
      if (attempt == 10) {
        throw new IllegalStateException("postgres did not start: " + logText().strip());
      }
      Polling.nap(Duration.ofSeconds(1));
    }
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private void run(List<String> command) {
    try {
      Process p =
          new ProcessBuilder(asServerUser(command))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(command.get(0) + " failed: " + out.strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + command.get(0) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command.get(0), e);
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** PostgreSQL refuses to run as root; setpriv runs it as {@code postgres} without a fork. */
  private static List<String> asServerUser(List<String> command) {
    if (!root()) {
      return command;
    }
    List<String> wrapped =
        new ArrayList<>(
            List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  private static void ownedByServerUser(Path path) throws IOException {
    if (!root()) {
      return;
    }
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
    view.setOwner(users.lookupPrincipalByName("postgres"));
    view.setGroup(group);
  }

  /** Stops the server and deletes its data. */
  @Override
  public synchronized void close() {
    kill();
    LIVE.remove(this);
    RedisProcess.deleteRecursively(dir);
  }

  @Override
  public String toString() {
    return "PostgresServer[" + bin + " on " + HOST + ":" + port + "]";
  }
}
