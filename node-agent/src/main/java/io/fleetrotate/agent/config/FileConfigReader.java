package io.fleetrotate.agent.config;

import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.config.ScalarType;
import io.fleetrotate.config.Sizes;
import io.fleetrotate.config.ValueFormatException;
import io.fleetrotate.config.YamlMap;
import io.fleetrotate.config.YamlValue;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/** Reads one {@code files[]} entry into a {@link FileConfig}, applying the per-file defaults. */
final class FileConfigReader {
  static final List<String> FILE_KEYS =
      List.of(
          "path",
          "group",
          "trigger",
          "retention",
          "compress",
          "reopen",
          "backup",
          "create",
          "allowWorldWritable");

  static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);

  /** Signals a writer may reopen its log on; the others stop or kill it. */
  static final List<String> SIGNALS =
      List.of("HUP", "USR1", "USR2", "INT", "QUIT", "TERM", "WINCH", "ALRM", "CONT");

  /** Which reopen keys belong to which method, for "applies only to method ..." errors. */
  private static final Map<String, Set<String>> REOPEN_KEYS_BY_METHOD =
      Map.of(
          "signal", Set.of("signal", "pid", "pidFile"),
          "http", Set.of("url", "httpMethod", "timeout"),
          "command", Set.of("command", "timeout"),
          "copytruncate", Set.of(),
          "collapse", Set.of(),
          "none", Set.of());

  private static final List<String> REOPEN_KEYS =
      List.of("method", "signal", "pid", "pidFile", "url", "httpMethod", "timeout", "command");

  private static final ScalarType<String> REOPEN_METHOD =
      ScalarType.oneOf(
          Map.of(
              "signal", "signal",
              "http", "http",
              "command", "command",
              "copytruncate", "copytruncate",
              "collapse", "collapse",
              "none", "none"));

  private static final ScalarType<Codec> CODEC =
      ScalarType.oneOf(
          Arrays.stream(Codec.values())
              .collect(Collectors.toMap(Codec::wireName, Function.identity())));

  private static final ScalarType<String> SIGNAL =
      new ScalarType<>(
          "a signal name such as HUP",
          s -> {
            String name = s.toUpperCase(Locale.ROOT);
            name = name.startsWith("SIG") ? name.substring(3) : name;
            if (!SIGNALS.contains(name)) {
              throw new ValueFormatException(
                  Sizes.quote(s)
                      + " is not a signal to reopen on; write one of "
                      + String.join(", ", SIGNALS));
            }
            return name;
          });

  private static final ScalarType<String> HTTP_METHOD =
      new ScalarType<>(
          "GET, POST or PUT",
          s -> {
            String method = s.toUpperCase(Locale.ROOT);
            if (!List.of("GET", "POST", "PUT").contains(method)) {
              throw new ValueFormatException(
                  Sizes.quote(s) + " is not allowed; write GET, POST or PUT");
            }
            return method;
          });

  private static final ScalarType<Long> PID =
      new ScalarType<>(
          "a process id such as 1234",
          s -> {
            try {
              long pid = Long.parseLong(s);
              if (pid == 1) {
                throw new ValueFormatException(
                    "1 is the init process, never the MCP server; write the server's pid or use"
                        + " pidFile");
              }
              if (pid >= 2 && pid <= Integer.MAX_VALUE) {
                return pid;
              }
            } catch (NumberFormatException e) {
              // Reported below with what to write.
            }
            throw new ValueFormatException(
                Sizes.quote(s)
                    + " is not a process id; write a number such as 1234, or use pidFile");
          });

  private static final ScalarType<String> ZONE_NAME =
      new ScalarType<>(
          "a time zone such as Europe/Paris or UTC",
          s -> {
            try {
              ZoneId.of(s);
              return s;
            } catch (DateTimeException e) {
              throw new ValueFormatException(
                  Sizes.quote(s)
                      + " is not a time zone; write a region such as Europe/Paris, or UTC");
            }
          });

  /** A size, or a size per second written with a {@code /s} suffix (both read as per second). */
  private static final ScalarType<Long> RATE =
      new ScalarType<>(
              "a size per second such as 50MiB",
              s -> Sizes.parse(s.endsWith("/s") ? s.substring(0, s.length() - 2) : s))
          .check(
              n -> n > 0,
              n -> "is zero; remove the key for no limit",
              "a size per second such as 50MiB");

  private static final String AHEAD_FRAMES =
      "a size from "
          + Sizes.formatExact(AheadPartial.MIN_FRAME_SPAN)
          + " to "
          + Sizes.formatExact(AheadPartial.MAX_FRAME_SPAN)
          + " such as 16MiB";

  private static final ScalarType<Long> AHEAD_FRAME =
      ScalarType.SIZE.check(
          n -> n >= AheadPartial.MIN_FRAME_SPAN && n <= AheadPartial.MAX_FRAME_SPAN,
          n -> "is out of range for a compress-ahead frame; write " + AHEAD_FRAMES,
          AHEAD_FRAMES);

  private static final ScalarType<String> DATE_FORMAT =
      new ScalarType<>("a date pattern such as yyyyMMdd-HHmmss", FileConfigReader::checkDateFormat);

  private static final Pattern MODE = Pattern.compile("0?([0-7]{3})");

  private static final ScalarType<Integer> FILE_MODE =
      new ScalarType<>(
          "an octal mode such as \"0640\"",
          s -> {
            var m = MODE.matcher(s);
            if (m.matches()) {
              return Integer.parseInt(m.group(1), 8);
            }
            if (Pattern.matches("[0-7]{4}", s)) {
              throw new ValueFormatException(
                  Sizes.quote(s)
                      + " sets setuid, setgid or sticky bits, which a log file must not have;"
                      + " write e.g. \"0640\"");
            }
            throw new ValueFormatException(
                Sizes.quote(s) + " is not an octal file mode; write e.g. \"0640\"");
          });

  private static final ScalarType<String> ACCOUNT =
      new ScalarType<>(
          "a user or group name, or a numeric id",
          s -> {
            if (!Pattern.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\\$?", s)) {
              throw new ValueFormatException(
                  Sizes.quote(s) + " is not a user or group name; write e.g. mcp or 1000");
            }
            return s;
          });

  /** A file entry read, with the node of its path for errors that compare entries. */
  record Read(FileConfig config, YamlValue pathValue) {}

  private final AgentReadContext ctx;

  FileConfigReader(AgentReadContext ctx) {
    this.ctx = ctx;
  }

  /** Reads one entry; empty when its path is missing or unusable (all mistakes are reported). */
  Optional<Read> read(YamlMap m) {
    m.allowOnly(FILE_KEYS);
    if (!m.has("path")) {
      m.missing("path", "write the log's absolute path or a glob, e.g. path: /var/log/mcp/*.log");
    }
    Optional<YamlValue> pathValue = m.value("path");
    Optional<String> path = pathValue.flatMap(this::readPath);
    Optional<String> group = m.get("group", ScalarType.NAME);
    TriggerConfig trigger = readTrigger(m);
    RetentionConfig retention = readRetention(m);
    CompressConfig compress = readCompress(m);
    ReopenConfig reopen = readReopen(m);
    BackupConfig backup = readBackup(m);
    boolean allowWorldWritable = m.get("allowWorldWritable", ScalarType.BOOLEAN, false);
    CreateConfig create = readCreate(m, allowWorldWritable);
    if (path.isEmpty()) {
      return Optional.empty();
    }
    FileConfig config =
        new FileConfig(
            path.get(),
            group,
            trigger,
            retention,
            compress,
            reopen,
            backup,
            create,
            allowWorldWritable);
    return Optional.of(new Read(config, pathValue.get()));
  }

  /**
   * An absolute path or glob, normalized so that a glob matches the paths a directory walk sees.
   */
  private Optional<String> readPath(YamlValue value) {
    Optional<String> text = value.text("an absolute path or glob such as /var/log/mcp/*.log");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String s = text.get();
    Path p;
    try {
      p = Path.of(s);
    } catch (InvalidPathException e) {
      value.error(Sizes.quote(s) + " is not a valid path: " + e.getReason());
      return Optional.empty();
    }
    if (!p.isAbsolute()) {
      value.error(
          Sizes.quote(s)
              + " is a relative path; write an absolute path or glob, e.g. /var/log/mcp/*.log");
      return Optional.empty();
    }
    String normalized = p.normalize().toString();
    if (FileConfig.isGlob(normalized)) {
      try {
        FileSystems.getDefault().getPathMatcher("glob:" + normalized);
      } catch (PatternSyntaxException e) {
        value.error(
            Sizes.quote(s)
                + " is not a valid glob: "
                + e.getDescription()
                + " near index "
                + e.getIndex()
                + "; use *, ?, [abc], {a,b} and ** as in /var/log/mcp/*.log");
        return Optional.empty();
      }
    }
    return Optional.of(normalized);
  }

  private TriggerConfig readTrigger(YamlMap file) {
    if (!file.has("trigger")) {
      return TriggerConfig.DEFAULT;
    }
    Optional<YamlMap> section = file.optionalSection("trigger");
    if (section.isEmpty()) {
      return TriggerConfig.DEFAULT;
    }
    YamlMap m = section.get();
    m.allowOnly(List.of("maxSize", "schedule", "timeZone", "maxAge", "minSize", "rotateEmpty"));
    OptionalLong maxSize = optionalLong(m.get("maxSize", ScalarType.positiveSize()));
    Optional<String> zoneName = m.get("timeZone", ZONE_NAME);
    if (m.has("timeZone") && !m.has("schedule")) {
      m.error("timeZone", "applies only to schedule; add a schedule or remove timeZone");
    }
    ZoneId zone = zoneName.map(ZoneId::of).orElse(ctx.defaultZone());
    Optional<CronSchedule> schedule =
        m.get(
            "schedule",
            new ScalarType<>(
                "a 5-field cron expression such as \"0 2 * * *\"",
                s -> CronSchedule.parse(s, zone)));
    Optional<Duration> maxAge = m.get("maxAge", ScalarType.positiveDuration());
    long minSize = m.get("minSize", ScalarType.SIZE, 0L);
    boolean rotateEmpty = m.get("rotateEmpty", ScalarType.BOOLEAN, false);
    if (!m.has("maxSize") && !m.has("schedule") && !m.has("maxAge")) {
      m.error(
          "set at least one of maxSize, schedule and maxAge (or remove trigger for the default,"
              + " maxAge: 24h)");
    }
    if (maxSize.isPresent() && minSize > maxSize.getAsLong()) {
      m.error(
          "minSize",
          Sizes.formatExact(minSize)
              + " is larger than maxSize "
              + Sizes.formatExact(maxSize.getAsLong())
              + "; lower minSize or raise maxSize");
    }
    if (rotateEmpty && minSize > 0) {
      m.error("rotateEmpty", "true has no effect with a minSize above 0; remove one of them");
    }
    if (maxSize.isEmpty() && schedule.isEmpty() && maxAge.isEmpty()) {
      // Already reported (missing, or each value wrong); keep the record valid.
      return TriggerConfig.DEFAULT;
    }
    return new TriggerConfig(maxSize, schedule, maxAge, minSize, rotateEmpty);
  }

  private RetentionConfig readRetention(YamlMap file) {
    YamlMap m = file.section("retention");
    m.allowOnly(List.of("keep", "maxAge", "maxTotalSize"));
    OptionalInt keep =
        m.get("keep", ScalarType.integer(0, 1_000_000))
            .map(OptionalInt::of)
            .orElse(OptionalInt.empty());
    Optional<Duration> maxAge = m.get("maxAge", ScalarType.positiveDuration());
    OptionalLong maxTotalSize = optionalLong(m.get("maxTotalSize", ScalarType.SIZE));
    if (!m.has("keep") && !m.has("maxAge") && !m.has("maxTotalSize")) {
      keep = OptionalInt.of(RetentionConfig.DEFAULT_KEEP);
    }
    return new RetentionConfig(keep, maxAge, maxTotalSize);
  }

  private CompressConfig readCompress(YamlMap file) {
    YamlMap m = file.section("compress");
    m.allowOnly(List.of("codec", "level", "delay", "maxBytesPerSecond", "ahead", "aheadFrame"));
    Codec codec = m.get("codec", CODEC, Codec.ZSTD);
    if (codec == Codec.NONE) {
      for (String key : List.of("level", "delay", "maxBytesPerSecond", "ahead", "aheadFrame")) {
        if (m.has(key)) {
          m.error(key, "has no effect with codec none; remove it or choose zstd or gzip");
        }
      }
      return new CompressConfig(
          Codec.NONE, 0, false, OptionalLong.empty(), false, AheadPartial.FRAME_SPAN);
    }
    int level =
        m.get(
            "level", ScalarType.integer(codec.minLevel(), codec.maxLevel()), codec.defaultLevel());
    boolean delay = m.get("delay", ScalarType.BOOLEAN, false);
    OptionalLong rate = optionalLong(m.get("maxBytesPerSecond", RATE));
    boolean ahead = m.get("ahead", ScalarType.BOOLEAN, !delay);
    if (ahead && delay) {
      m.error(
          "ahead",
          "cannot be true with delay: true, since the delayed backup is still written after the"
              + " rotation; set ahead: false or delay: false");
    }
    long aheadFrame = m.get("aheadFrame", AHEAD_FRAME, AheadPartial.FRAME_SPAN);
    if (!ahead && m.has("aheadFrame")) {
      m.error("aheadFrame", "has no effect when ahead is false; remove it or set ahead: true");
    }
    return new CompressConfig(codec, level, delay, rate, ahead, aheadFrame);
  }

  private ReopenConfig readReopen(YamlMap file) {
    if (!file.has("reopen")) {
      return ReopenConfig.DEFAULT;
    }
    Optional<YamlMap> section = file.optionalSection("reopen");
    if (section.isEmpty()) {
      return ReopenConfig.DEFAULT;
    }
    YamlMap m = section.get();
    m.allowOnly(REOPEN_KEYS);
    // Required once the section is written: a forgotten method must not quietly become
    // copytruncate while pidFile and signal are ignored.
    Optional<String> method = m.require("method", REOPEN_METHOD);
    if (method.isEmpty()) {
      return ReopenConfig.DEFAULT;
    }
    Set<String> own = REOPEN_KEYS_BY_METHOD.get(method.get());
    for (String key : m.keys()) {
      if (!key.equals("method") && REOPEN_KEYS.contains(key) && !own.contains(key)) {
        List<String> methods =
            REOPEN_KEYS_BY_METHOD.entrySet().stream()
                .filter(e -> e.getValue().contains(key))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        m.error(
            key,
            "applies only to method "
                + String.join(" and ", methods)
                + ", not "
                + method.get()
                + "; remove it");
      }
    }
    return switch (method.get()) {
      case "signal" -> readSignal(m);
      case "http" ->
          new ReopenConfig.Http(
              m.require("url", ScalarType.HTTP_URL).orElse(URI.create("http://invalid")),
              m.get("httpMethod", HTTP_METHOD, "POST"),
              m.get("timeout", ScalarType.positiveDuration(), DEFAULT_HTTP_TIMEOUT));
      case "command" -> readCommand(m);
      case "collapse" -> new ReopenConfig.Collapse();
      case "none" -> new ReopenConfig.None();
      default -> new ReopenConfig.CopyTruncate();
    };
  }

  private ReopenConfig readSignal(YamlMap m) {
    String signal = m.get("signal", SIGNAL, "HUP");
    OptionalLong pid = optionalLong(m.get("pid", PID));
    Optional<Path> pidFile = m.get("pidFile", ScalarType.ABSOLUTE_PATH);
    if (m.has("pid") && m.has("pidFile")) {
      m.error("pidFile", "set only one of pid and pidFile: the process to signal");
    } else if (!m.has("pid") && !m.has("pidFile")) {
      m.error(
          "method signal needs the process to signal; set pidFile (e.g."
              + " /var/run/mcp-server.pid) or pid");
    }
    if (pid.isPresent() == pidFile.isPresent()) {
      // Already reported; keep the record valid.
      return new ReopenConfig.Signal(signal, OptionalLong.of(1), Optional.empty());
    }
    return new ReopenConfig.Signal(signal, pid, pidFile);
  }

  private ReopenConfig readCommand(YamlMap m) {
    List<String> argv = new ArrayList<>();
    if (!m.has("command")) {
      m.missing(
          "command", "write the program and its arguments, e.g. [\"/usr/bin/mcpctl\", \"reopen\"]");
    }
    m.value("command")
        .flatMap(
            v ->
                v.asList(
                    "a list of the program and its arguments, e.g. [\"/usr/bin/mcpctl\","
                        + " \"reopen\"] (no shell runs it)"))
        .ifPresent(
            items -> {
              if (items.isEmpty()) {
                m.error("command", "is empty; write at least the program to run");
              }
              for (YamlValue item : items) {
                item.text("an argument").ifPresent(argv::add);
              }
              if (!argv.isEmpty() && argv.get(0).isBlank()) {
                items.get(0).error("the program name is empty");
              }
            });
    Duration timeout = m.get("timeout", ScalarType.positiveDuration(), DEFAULT_COMMAND_TIMEOUT);
    return new ReopenConfig.Command(argv.isEmpty() ? List.of("invalid") : argv, timeout);
  }

  private BackupConfig readBackup(YamlMap file) {
    YamlMap m = file.section("backup");
    m.allowOnly(List.of("dateFormat", "dir"));
    String dateFormat = m.get("dateFormat", DATE_FORMAT, BackupConfig.DEFAULT_DATE_FORMAT);
    Optional<Path> dir = m.get("dir", ScalarType.ABSOLUTE_PATH);
    return new BackupConfig(dateFormat, dir);
  }

  private CreateConfig readCreate(YamlMap file, boolean allowWorldWritable) {
    YamlMap m = file.section("create");
    m.allowOnly(List.of("mode", "owner", "group"));
    Optional<Integer> mode = m.get("mode", FILE_MODE);
    if (mode.isPresent() && (mode.get() & 0002) != 0 && !allowWorldWritable) {
      m.error(
          "mode",
          Sizes.quote("0" + Integer.toOctalString(mode.get()))
              + " makes the log world-writable, so anyone on the host can forge entries; remove"
              + " write for others, or set allowWorldWritable: true on the file");
    }
    Optional<String> owner = m.get("owner", ACCOUNT);
    Optional<String> group = m.get("group", ACCOUNT);
    // Looked up now: found unknown only after a rename, the log would be left without a new file.
    if (owner.isPresent() && ctx.accounts().uid(owner.get()).isEmpty()) {
      m.error(
          "owner",
          Sizes.quote(owner.get())
              + " is not a user on this host; create the user, or write an existing user name or"
              + " a numeric uid");
    }
    if (group.isPresent() && ctx.accounts().gid(group.get()).isEmpty()) {
      m.error(
          "group",
          Sizes.quote(group.get())
              + " is not a group on this host; create the group, or write an existing group name"
              + " or a numeric gid");
    }
    return new CreateConfig(mode.map(OptionalInt::of).orElse(OptionalInt.empty()), owner, group);
  }

  /**
   * Checks that a backup date pattern yields a usable file-name part: it parses, it formats, the
   * result has no '/' or white space, and it changes from one day to the next (or every backup
   * would get the same name).
   */
  private static String checkDateFormat(String pattern) {
    DateTimeFormatter formatter;
    try {
      formatter = DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new ValueFormatException(
          Sizes.quote(pattern)
              + " is not a date pattern: "
              + e.getMessage()
              + "; write e.g. yyyyMMdd-HHmmss");
    }
    ZonedDateTime sample =
        ZonedDateTime.of(2024, 12, 31, 23, 59, 58, 123_456_789, ZoneId.of("Europe/Paris"));
    String first;
    String nextDay;
    try {
      first = formatter.format(sample);
      nextDay = formatter.format(sample.plusDays(1));
    } catch (DateTimeException e) {
      throw new ValueFormatException(
          Sizes.quote(pattern)
              + " cannot format a date: "
              + e.getMessage()
              + "; write e.g. yyyyMMdd-HHmmss");
    }
    if (first.isEmpty()
        || first.contains("/")
        || first.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new ValueFormatException(
          Sizes.quote(pattern)
              + " gives "
              + Sizes.quote(first)
              + ", which cannot be part of a file name (no '/' or white space); write e.g."
              + " yyyyMMdd-HHmmss");
    }
    if (first.equals(nextDay)) {
      throw new ValueFormatException(
          Sizes.quote(pattern)
              + " gives the same name every day, so backups would overwrite each other; include"
              + " the date, e.g. yyyyMMdd-HHmmss");
    }
    return pattern;
  }

  private static OptionalLong optionalLong(Optional<Long> value) {
    return value.map(OptionalLong::of).orElse(OptionalLong.empty());
  }
}
