package io.fleetrotate.chaos.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.chaos.agent.ChaosAgentMain;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An agent process and the simulated MCP server whose log it rotates, each in its own directory
 * under the run directory: {@code agent.yaml}, {@code state/} (journal, fences, outbox), {@code
 * logs/server.log} and its backups, {@code mcp-server.pid}, and the two processes' logs.
 */
public final class AgentNode {
  /** The agent's JVM options: the launcher's small footprint, with a little more heap. */
  static final List<String> AGENT_JVM_OPTIONS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xmx64m",
          "-XX:MaxMetaspaceSize=96m",
          "-Xss512k",
          "-XX:TieredStopAtLevel=1",
          "-Xshare:auto");

  private static final ObjectMapper JSON = new ObjectMapper();

  private Paths paths;
  private AgentNode sharesLogOf;
  private final int httpPort;
  private final FleetTokens tokens;
  private final ManagedProcess agent;
  private final ManagedProcess mcpServer;
  private AgentSpec spec;
  private String reopenMethod;
  private String trigger;
  private String httpBind = "127.0.0.1";

  /**
   * Where an agent's files are.
   *
   * @param dir the node's directory
   * @param stateDir the agent's stateDir
   * @param log the live log the MCP server writes
   * @param pidFile the MCP server's pid file
   */
  public record Paths(Path dir, Path stateDir, Path log, Path pidFile) {
    static Paths under(Path dir) {
      return new Paths(
          dir, dir.resolve("state"), dir.resolve("logs/server.log"), dir.resolve("mcp-server.pid"));
    }

    public Path config() {
      return dir.resolve("agent.yaml");
    }

    public Path outbox() {
      return stateDir.resolve("outbox");
    }
  }

  AgentNode(AgentSpec spec, Path dir, FleetTokens tokens, FleetJars jars, Fleet fleet) {
    this.spec = spec;
    this.paths = Paths.under(dir);
    this.httpPort = FreePorts.next();
    this.tokens = tokens;
    List<String> agentCmd = new ArrayList<>();
    agentCmd.add(FleetJars.java());
    agentCmd.addAll(AGENT_JVM_OPTIONS);
    // The real agent (node-agent.jar first on the path) composed with the chaos decorators.
    agentCmd.addAll(
        List.of(
            "-cp",
            jars.agentJar() + File.pathSeparator + jars.chaosClasspath(),
            ChaosAgentMain.class.getName(),
            "run",
            "--config",
            paths.config().toString()));
    this.agent =
        fleet.register(
            new ManagedProcess(
                spec.nodeId(),
                ManagedProcess.Role.AGENT,
                agentCmd,
                dir.resolve("agent.log"),
                fleet::recordPid));
    if (spec.rate() > 0) {
      List<String> serverCmd = new ArrayList<>();
      serverCmd.add(FleetJars.java());
      serverCmd.addAll(
          List.of(
              "-XX:+UseSerialGC",
              "-Xmx32m",
              "-XX:TieredStopAtLevel=1",
              "-Xshare:auto",
              "-cp",
              jars.chaosClasspath(),
              "io.fleetrotate.chaos.mcp.SimulatedMcpServer",
              "--log",
              paths.log().toString(),
              "--pid-file",
              paths.pidFile().toString(),
              "--rate",
              Integer.toString(spec.rate()),
              "--seed",
              Integer.toString(spec.nodeId().hashCode()),
              "--exit-with-parent",
              Long.toString(ProcessHandle.current().pid())));
      this.mcpServer =
          fleet.register(
              new ManagedProcess(
                  spec.nodeId() + "-mcp-server",
                  ManagedProcess.Role.MCP_SERVER,
                  serverCmd,
                  dir.resolve("mcp-server.out"),
                  fleet::recordPid));
    } else {
      this.mcpServer = null;
    }
  }

  public String nodeId() {
    return spec.nodeId();
  }

  public AgentSpec spec() {
    return spec;
  }

  public Paths paths() {
    return paths;
  }

  public ManagedProcess process() {
    return agent;
  }

  /** The simulated MCP server writing the log, if the spec asked for one. */
  public Optional<ManagedProcess> mcpServer() {
    return Optional.ofNullable(mcpServer);
  }

  public URI url() {
    return URI.create("http://" + httpBind + ":" + httpPort);
  }

  /**
   * Runs the agent (not its MCP server) under {@code launcher}, such as {@code ip netns exec NS},
   * serving its HTTP on {@code bind}, an address the harness can reach; from the next start on.
   */
  public AgentNode runUnder(List<String> launcher, String bind) {
    agent.launcher(launcher);
    this.httpBind = bind;
    return this;
  }

  /** Changes the configuration (e.g. another coordinator); it takes effect at the next start. */
  public AgentNode reconfigure(AgentSpec newSpec) {
    if (!newSpec.nodeId().equals(spec.nodeId()) || newSpec.rate() != spec.rate()) {
      throw new IllegalArgumentException("the node id and the MCP server stay as they were");
    }
    this.spec = newSpec;
    writeConfig();
    return this;
  }

  /**
   * Starts the MCP server (and waits for its pid file, which the agent's reopen needs), then the
   * agent; returns without waiting for the agent (see awaitReady).
   */
  public AgentNode start() {
    try {
      Files.createDirectories(paths.log().getParent());
      Files.createDirectories(paths.stateDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    writeConfig();
    if (mcpServer != null && !mcpServer.isAlive()) {
      try {
        Files.deleteIfExists(paths.pidFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      mcpServer.start();
      Waits.until(
          Duration.ofSeconds(60),
          mcpServer.name() + " wrote its pid file (see " + mcpServer.log() + ")",
          () -> Files.exists(paths.pidFile()) && Files.exists(paths.log()),
          () -> !mcpServer.isAlive());
    }
    agent.start();
    return this;
  }

  /** Waits until the agent's {@code /health} says UP (it has run a check). */
  public AgentNode awaitReady(Duration timeout) {
    Waits.until(
        timeout,
        nodeId() + " ready (see " + agent.log() + ")",
        () -> "UP".equals(health().path("status").asText()),
        () -> !agent.isAlive());
    return this;
  }

  /** {@code /health} as JSON, a missing node when it does not answer. */
  public JsonNode health() {
    return Http.get(url().resolve("/health"), null)
        .filter(Http.Response::ok)
        .map(
            r -> {
              try {
                return JSON.readTree(r.body());
              } catch (IOException e) {
                return null;
              }
            })
        .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
  }

  /** {@code /metrics} as text, empty when the agent does not answer. */
  public Optional<String> metrics() {
    return Http.get(url().resolve("/metrics"), null)
        .filter(Http.Response::ok)
        .map(Http.Response::body);
  }

  /** Rotations this agent process counted since it started, by its own {@code /metrics}. */
  public Optional<Long> rotationsCounted() {
    return counter("fleetrotate_rotations_total");
  }

  /**
   * Compress-ahead partials this agent process handed over to rotations since it started, by its
   * own {@code /metrics}.
   */
  public Optional<Long> aheadHandOvers() {
    return counter("fleetrotate_agent_ahead_handovers_total");
  }

  /** A counter of this agent process's {@code /metrics}, summed over its labels. */
  private Optional<Long> counter(String name) {
    return metrics().map(m -> (long) PrometheusText.sum(m, name, l -> true));
  }

  /** Events waiting in the outbox directory ({@code <20 digits>.json}, not temporaries). */
  public long outboxFiles() {
    return eventFiles(paths.outbox());
  }

  /** Events the coordinator refused as invalid ({@code outbox/rejected/}). */
  public long rejectedFiles() {
    return eventFiles(paths.outbox().resolve("rejected"));
  }

  private static long eventFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.json")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The backups of the live log, finished ones only (compressed or not, no temporaries). */
  public List<Path> backups() {
    String prefix = paths.log().getFileName() + ".";
    try (Stream<Path> s = Files.list(paths.log().getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The backups of the live log that retention deleted, as the agent's own log says ({@code pruned
   * <path>}, one line per deleted file, across every start of the process), in the order deleted.
   */
  public List<Path> prunedBackups() {
    Path dir = paths.log().getParent();
    String prefix = paths.log().getFileName() + ".";
    List<Path> pruned = new ArrayList<>();
    try (Stream<String> lines = Files.lines(agent.log())) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (!line.startsWith("{") || !line.contains("\"pruned ")) {
          continue;
        }
        JsonNode entry;
        try {
          entry = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException cut) {
          continue; // a line a kill -9 cut short
        }
        String message = entry.path("message").asText();
        if (!entry.path("logger_name").asText().endsWith(".RotationEngine")
            || !message.startsWith("pruned ")) {
          continue;
        }
        Path p = Path.of(message.substring("pruned ".length()));
        if (dir.equals(p.getParent()) && p.getFileName().toString().startsWith(prefix)) {
          pruned.add(p);
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pruned;
  }

  /**
   * Reopens the log with {@code method} (collapse, copytruncate, ...) instead of SIGHUP to the MCP
   * server, from the next start on; null goes back to the spec's method.
   */
  public AgentNode reopenMethod(String method) {
    this.reopenMethod = method;
    return this;
  }

  /**
   * Overrides the file's trigger, as a YAML flow mapping (e.g. {@code { maxSize: 64MiB, schedule:
   * "0 * * * *" }}), from the next start on.
   */
  public AgentNode trigger(String flowMapping) {
    this.trigger = flowMapping;
    return this;
  }

  /**
   * Arms the agent's offset clock ({@link ChaosAgentMain#CLOCK_OFFSET_FILE}) for every start from
   * the next one on; {@link #clockOffset} then shifts its wall clock.
   */
  public AgentNode clockHook() {
    agent.hookJvmOptions(
        List.of(
            "-D" + ChaosAgentMain.CLOCK_OFFSET_FILE + "=" + clockOffsetFile().toAbsolutePath()));
    return this;
  }

  /** Shifts the agent's wall clock by {@code offset} from now on (within about 100 ms). */
  public void clockOffset(Duration offset) {
    Path file = clockOffsetFile();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(tmp, Long.toString(offset.toMillis()));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path clockOffsetFile() {
    return paths.dir().resolve("clock-offset-ms");
  }

  /**
   * Makes this agent (one without an MCP server of its own) watch {@code primary}'s log too, as
   * replicas sharing a log volume do: same file, same reopen, same group; its own state directory.
   */
  public AgentNode sharesLogOf(AgentNode primary) {
    if (mcpServer != null) {
      throw new IllegalStateException(nodeId() + " has its own MCP server; it cannot share a log");
    }
    this.sharesLogOf = primary;
    this.paths =
        new Paths(paths.dir(), paths.stateDir(), primary.paths().log(), primary.paths().pidFile());
    return this;
  }

  /** The agent whose log this one shares, if any. */
  public Optional<AgentNode> sharedLogOwner() {
    return Optional.ofNullable(sharesLogOf);
  }

  /** The reopen method the configuration names. */
  public String reopenMethod() {
    if (sharesLogOf != null) {
      return sharesLogOf.reopenMethod();
    }
    if (reopenMethod != null) {
      return reopenMethod;
    }
    return spec.rate() > 0 ? "signal" : "copytruncate";
  }

  private void writeConfig() {
    try {
      Files.createDirectories(paths.dir());
      String yaml = spec.yaml(paths, httpBind, httpPort, tokens.agent());
      if (reopenMethod != null) {
        yaml =
            yaml.replaceFirst(
                "(?m)^    reopen: \\{.*\\}$",
                java.util.regex.Matcher.quoteReplacement(
                    "    reopen: { method: " + reopenMethod + " }"));
      }
      if (sharesLogOf != null) {
        String reopen =
            sharesLogOf.reopenMethod().equals("signal")
                ? "{ method: signal, signal: HUP, pidFile: " + paths.pidFile() + " }"
                : "{ method: " + sharesLogOf.reopenMethod() + " }";
        yaml =
            yaml.replaceFirst(
                "(?m)^    reopen: \\{.*\\}$",
                java.util.regex.Matcher.quoteReplacement("    reopen: " + reopen));
      }
      if (trigger != null) {
        yaml =
            yaml.replaceFirst(
                "(?m)^    trigger: \\{.*\\}$",
                java.util.regex.Matcher.quoteReplacement("    trigger: " + trigger));
      }
      Files.writeString(paths.config(), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return nodeId() + " " + url();
  }
}
