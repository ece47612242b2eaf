package io.fleetrotate.agent;

import io.fleetrotate.agent.cli.AdviseCommand;
import io.fleetrotate.agent.cli.AgentHooks;
import io.fleetrotate.agent.cli.ImportLogrotateCommand;
import io.fleetrotate.agent.cli.RotateCommand;
import io.fleetrotate.agent.cli.RunCommand;
import io.fleetrotate.agent.cli.StatusCommand;
import io.fleetrotate.agent.cli.ValidateCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Entry point of {@code node-agent.jar}. */
@Command(
    name = "fleetrotate agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = {
      "Rotates the logs of one MCP host, one replica at a time across the fleet.",
      "",
      "Every check interval the agent finds the files its configuration watches, decides which"
          + " are due (size, cron schedule, age), takes a lease of the file's rotation group and"
          + " rotates it: move aside, reopen, compress, prune. Each step is journaled, so a crash"
          + " at any point is finished or undone at the next start."
    },
    footer = {
      "",
      "Examples:",
      "  fleetrotate agent validate --config /etc/fleetrotate/agent.yaml",
      "  fleetrotate agent status   --config /etc/fleetrotate/agent.yaml",
      "  fleetrotate agent rotate   --config /etc/fleetrotate/agent.yaml --now",
      "  fleetrotate agent run      --config /etc/fleetrotate/agent.yaml",
      "",
      "Exit codes: 0 success, 1 a rotation failed, 2 bad configuration or usage."
    })
public final class AgentMain implements Runnable {

  /**
   * The subcommands, in the order help lists them. Declared here rather than in {@code @Command}: a
   * command line that names one builds only that one's model (see {@link #commandLine(String[],
   * AgentHooks)}).
   */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
          RunCommand.class,
          ValidateCommand.class,
          StatusCommand.class,
          RotateCommand.class,
          ImportLogrotateCommand.class,
          AdviseCommand.class,
          CommandLine.HelpCommand.class);

  public static void main(String[] args) {
    System.exit(execute(args, AgentHooks.PRODUCTION));
  }

  /**
   * Runs the command line as {@link #main} does, with {@code agent run} and {@code agent rotate}
   * composed from {@code hooks} (the seam a test harness composes the real agent through); returns
   * the exit code.
   */
  public static int execute(String[] args, AgentHooks hooks) {
    boolean daemon = args.length > 0 && "run".equals(args[0]);
    // Only the daemon logs at INFO; one-shot commands print their own results on stdout, and say
    // in their own sentence what a lock client failed at (no library stack traces).
    if (System.getProperty("fleetrotate.log.level") == null) {
      System.setProperty("fleetrotate.log.level", daemon ? "INFO" : "WARN");
    }
    if (!daemon && System.getProperty("fleetrotate.lib.level") == null) {
      System.setProperty("fleetrotate.lib.level", "OFF");
    }
    String format;
    try {
      format = LogFormat.choose(args, System.getenv());
    } catch (LogFormat.UnknownFormat e) {
      // Before any logger exists: the logging configuration reads the format.
      System.err.println(e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    if (System.getProperty("fleetrotate.log.format") == null) {
      System.setProperty("fleetrotate.log.format", format);
    }
    return commandLine(args, hooks).execute(args);
  }

  /** Declared for every command; read by {@link LogFormat#choose} before logging starts. */
  @Option(
      names = LogFormat.OPTION,
      paramLabel = "json|text",
      scope = ScopeType.INHERIT,
      description = {
        "How the agent's own logs look on stderr (default: text on a terminal, JSON otherwise;",
        "also FLEETROTATE_LOG_FORMAT)."
      })
  LogFormat.Format logFormat;

  public static CommandLine commandLine() {
    return commandLine(new String[0], AgentHooks.PRODUCTION);
  }

  /**
   * The command line for {@code args}: when {@code args[0]} names a subcommand, only that one is
   * registered (help excepted: it lists the others), since building picocli's model of every
   * command (reflection over their options and mixins) was a tenth of a one-shot {@code rotate
   * --now}'s start; otherwise all of them, for help, usage and the unknown-command message.
   */
  private static CommandLine commandLine(String[] args, AgentHooks hooks) {
    CommandLine line = new CommandLine(new AgentMain(), factory(hooks));
    String named = args.length > 0 ? args[0] : "";
    List<Class<?>> chosen =
        SUBCOMMANDS.stream()
            .filter(c -> c != CommandLine.HelpCommand.class)
            .filter(c -> c.getAnnotation(Command.class).name().equals(named))
            .toList();
    for (Class<?> subcommand : chosen.isEmpty() ? SUBCOMMANDS : chosen) {
      line.addSubcommand(subcommand);
    }
    return line;
  }

  private static CommandLine.IFactory factory(AgentHooks hooks) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == RunCommand.class) {
          return cls.cast(new RunCommand(hooks));
        }
        if (cls == RotateCommand.class) {
          return cls.cast(new RotateCommand(hooks));
        }
        return defaults.create(cls);
      }
    };
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** The version from the jar manifest, or {@code dev} when run from classes. */
  public static String version() {
    String v = AgentMain.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fleetrotate agent " + version()};
    }
  }
}
