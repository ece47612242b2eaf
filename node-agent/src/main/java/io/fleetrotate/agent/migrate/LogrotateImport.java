package io.fleetrotate.agent.migrate;

import io.fleetrotate.agent.config.Accounts;
import io.fleetrotate.config.Sizes;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns logrotate configuration files into an agent configuration: one {@code files[]} entry per
 * path of each block, every directive carried over as closely as the agent's schema allows, each
 * value commented with the file:line it came from, and a warning for each directive that could not
 * be carried over exactly (none is dropped in silence).
 *
 * <p>Where logrotate's defaults differ from the agent's, the entry says so explicitly: logrotate
 * keeps no backup without {@code rotate}, does not compress without {@code compress}, rotates empty
 * files unless told {@code notifempty}, rotates above 1 MiB without a frequency, and renames
 * without telling the writer unless a script does.
 */
public final class LogrotateImport {
  /** What an import produced: the YAML text, and the warnings in the order found. */
  public record Result(String yaml, List<ImportWarning> warnings, int entries) {
    public Result {
      warnings = List.copyOf(warnings);
    }

    /** Whether every directive was carried over exactly. */
    public boolean exact() {
      return warnings.isEmpty();
    }
  }

  static final int MAX_KEEP = 1_000_000;
  private static final Pattern SIZE = Pattern.compile("(\\d+)([kKmMgG]?)");
  private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");
  private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\\$?");
  private static final Pattern LEVEL = Pattern.compile("-(\\d{1,2})");

  private final Warnings warnings = new Warnings();
  private final List<Entry> entries = new ArrayList<>();

  /** A path already written, to refuse a second entry for it as the agent would. */
  private record Entry(String path, Origin origin) {
    boolean isGlob() {
      return isGlob(path);
    }

    static boolean isGlob(String s) {
      return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }
  }

  private LogrotateImport() {}

  /**
   * Imports {@code inputs} (files, or directories read as logrotate's {@code include} reads them)
   * in order, as one logrotate configuration.
   *
   * @throws UnreadableInputException when an input or an include cannot be read, or nothing in them
   *     names a log to rotate
   */
  public static Result run(List<Path> inputs) throws UnreadableInputException {
    return new LogrotateImport().importAll(inputs);
  }

  private Result importAll(List<Path> inputs) throws UnreadableInputException {
    LogrotateParser parser = new LogrotateParser(warnings);
    for (Path input : inputs) {
      parser.read(input);
    }
    YamlOut yaml = new YamlOut();
    yaml.comment(0, "Imported from logrotate by 'fleetrotate agent import-logrotate' from:");
    for (Path input : inputs) {
      yaml.comment(0, "  " + input);
    }
    yaml.comment(
        0,
        "Each value names the logrotate directive and file:line it came from; a value marked"
            + " \"logrotate's default\" spells out where logrotate's defaults differ from the"
            + " agent's.");
    yaml.comment(
        0,
        "Without node, lock and coordinator sections the agent rotates alone with a local file"
            + " lock; add them to rotate as a fleet (see agent-example.yaml).");
    yaml.line(0, "files:", null);
    for (LogBlock block : parser.blocks()) {
      writeBlock(yaml, block);
    }
    if (entries.isEmpty()) {
      throw new UnreadableInputException(
          "nothing to import: no logrotate block in "
              + String.join(", ", inputs.stream().map(Path::toString).toList())
              + " names an absolute log path.");
    }
    return new Result(yaml.toString(), warnings.list(), entries.size());
  }

  private void writeBlock(YamlOut yaml, LogBlock block) {
    List<String> paths = new ArrayList<>();
    for (String raw : block.paths()) {
      // Added at once, so that a path repeated within the block is refused like one across blocks.
      checkedPath(block, raw)
          .ifPresent(
              p -> {
                paths.add(p);
                entries.add(new Entry(p, block.origin()));
              });
    }
    warnUncarried(block, paths);
    for (String path : paths) {
      yaml.comment(
          2, "logrotate block at " + block.origin() + ": " + String.join(" ", block.paths()));
      yaml.line(2, "- path: " + YamlOut.quote(path), null);
      new EntryWriter(block, path, paths.size() > 1 || Entry.isGlob(path)).write(yaml);
    }
  }

  /** The path as the agent reads it, or empty (with a warning) when it cannot have an entry. */
  private Optional<String> checkedPath(LogBlock block, String raw) {
    Origin at = block.origin();
    Path p;
    try {
      p = Path.of(raw);
    } catch (InvalidPathException e) {
      warnings.add(at, raw, "is not a valid path (" + e.getReason() + "); skipped");
      return Optional.empty();
    }
    if (!p.isAbsolute()) {
      warnings.add(at, raw, "is a relative path; the agent needs absolute paths or globs; skipped");
      return Optional.empty();
    }
    String path = p.normalize().toString();
    if (Entry.isGlob(path)) {
      try {
        FileSystems.getDefault().getPathMatcher("glob:" + path);
      } catch (PatternSyntaxException e) {
        warnings.add(
            at, raw, "is a glob the agent cannot read (" + e.getDescription() + "); skipped");
        return Optional.empty();
      }
    }
    for (Entry earlier : entries) {
      if (earlier.path().equals(path) || overlaps(earlier.path(), path)) {
        warnings.add(
            at,
            raw,
            (earlier.path().equals(path) ? "is" : "overlaps " + earlier.path() + ", which is")
                + " already imported from the block at "
                + earlier.origin()
                + "; a file may have one entry only (logrotate refuses duplicates too); skipped");
        return Optional.empty();
      }
    }
    return Optional.of(path);
  }

  /** As the agent refuses: a plain path that another entry's glob matches. */
  private static boolean overlaps(String a, String b) {
    boolean ga = Entry.isGlob(a);
    boolean gb = Entry.isGlob(b);
    if (ga == gb) {
      return false;
    }
    String glob = ga ? a : b;
    String plain = ga ? b : a;
    return FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(plain));
  }

  /** Warns once per directive (global ones at their own line) for what has no equivalent. */
  private void warnUncarried(LogBlock block, List<String> paths) {
    block
        .get("minage")
        .ifPresent(
            d ->
                warnings.add(
                    d,
                    "the agent has no minimum age for a rotation; a file is due when its trigger"
                        + " fires, so it may rotate sooner than "
                        + d.arg(0)
                        + " days"));
    if (block.is("copy", "copy")) {
      warnings.add(
          block.get("copy").get(),
          "the agent always empties or moves the live file; copying it and leaving it whole has"
              + " no equivalent (reopen: copytruncate is the nearest)");
    }
    if (block.is("renamecopy", "renamecopy")) {
      warnings.add(
          block.get("renamecopy").get(),
          "the agent moves backups with a rename on one file system (backup.dir must be on the"
              + " log's file system); copying them elsewhere has no equivalent");
    }
    block
        .get("mail")
        .filter(d -> d.name().equals("mail"))
        .ifPresent(
            d ->
                warnings.add(
                    d,
                    "the agent does not mail logs; the coordinator reports each rotation instead"));
    block.get("mailwhich").ifPresent(d -> warnings.add(d, "the agent does not mail logs; ignored"));
    if (block.is("shred", "shred")) {
      warnings.add(
          block.get("shred").get(),
          "the agent deletes old backups with unlink, without overwriting them first");
    }
    block
        .get("shredcycles")
        .ifPresent(d -> warnings.add(d, "the agent does not shred deleted backups; ignored"));
    block
        .get("su")
        .ifPresent(
            d ->
                warnings.add(
                    d,
                    "the agent rotates as the user it runs as, not as "
                        + String.join(":", d.args())
                        + "; run it as a user that may write the log's directory"));
    for (String s : List.of("prerotate", "firstaction", "preremove")) {
      block
          .get(s)
          .ifPresent(
              d ->
                  warnings.add(
                      d,
                      "the agent runs no script "
                          + (s.equals("preremove")
                              ? "before deleting a backup"
                              : "before a rotation")
                          + "; only the reopen after it (from postrotate or lastaction); run it"
                          + " from the writer or a separate timer"));
    }
    if (block.get("postrotate").isPresent()) {
      block
          .get("lastaction")
          .ifPresent(
              d ->
                  warnings.add(
                      d,
                      "the agent runs one reopen per file, taken from postrotate; this lastaction"
                          + " script is not run"));
    }
    for (String s : List.of("extension", "addextension", "start")) {
      block
          .get(s)
          .ifPresent(
              d ->
                  warnings.add(
                      d,
                      "the agent names backups <log>.<date>[.N][.gz|.zst]; this naming has no"
                          + " equivalent"));
    }
    for (String s : List.of("dateyesterday", "datehourago")) {
      block
          .get(s)
          .ifPresent(
              d ->
                  warnings.add(
                      d,
                      "the agent dates a backup with the time of its rotation; the date cannot be"
                          + " shifted"));
    }
    if (block.is("allowhardlink", "allowhardlink")) {
      warnings.add(
          block.get("allowhardlink").get(),
          "the agent rotates only regular files it opened itself and never follows links;"
              + " hard-linked logs are rotated like any file");
    }
    if (block.is("createolddir", "createolddir")) {
      warnings.add(
          block.get("createolddir").get(),
          "the agent does not create backup.dir; create it beforehand (same file system as the"
              + " log)");
    }
    block
        .get("uncompresscmd")
        .ifPresent(
            d ->
                warnings.add(
                    d, "is used by logrotate only to mail old logs, which the agent does not do"));
    block
        .get("errors")
        .ifPresent(d -> warnings.add(d, "the agent does not mail errors; they go to its log"));
    if (block.is("missingok", "nomissingok")) {
      warnings.add(
          block.get("missingok").get(),
          "the agent skips a missing log without an error (as missingok does); the coordinator"
              + " shows each file's last rotation");
    }
    if (block.is("create", "nocreate") && !block.is("copytruncate", "copytruncate")) {
      warnings.add(
          block.get("create").get(),
          "the agent cannot be told not to create the fresh log; the writer's reopen or the"
              + " agent creates it");
    }
    if (block.is("sharedscripts", "sharedscripts")
        && (paths.size() > 1 || paths.stream().anyMatch(Entry::isGlob))
        && (block.get("postrotate").isPresent() || block.get("lastaction").isPresent())
        && !block.is("copytruncate", "copytruncate")) {
      warnings.add(
          block.get("sharedscripts").get(),
          "the agent reopens after each rotated file, so the script runs once per file instead of"
              + " once per block");
    }
  }

  /** Writes the keys of one entry. */
  private final class EntryWriter {
    private final LogBlock block;
    private final String path;
    private final boolean severalFiles;

    EntryWriter(LogBlock block, String path, boolean severalFiles) {
      this.block = block;
      this.path = path;
      this.severalFiles = severalFiles;
    }

    void write(YamlOut yaml) {
      writeTrigger(yaml);
      writeRetention(yaml);
      writeCompress(yaml);
      writeReopen(yaml);
      writeBackup(yaml);
      writeCreate(yaml);
      block
          .get("missingok")
          .filter(d -> d.name().equals("missingok"))
          .ifPresent(d -> yaml.comment(4, from(d) + ": the agent skips a missing log too"));
    }

    private String from(Directive d) {
      return d.text() + " (" + d.origin() + ")";
    }

    private void writeTrigger(YamlOut yaml) {
      yaml.line(4, "trigger:", null);
      Optional<Directive> criterion = block.get("criterion");
      boolean timed = false;
      if (criterion.isEmpty() || criterion.get().name().equals("size")) {
        long size = 1 << 20;
        String comment = "logrotate's default: rotate above 1M when no frequency is set";
        if (criterion.isPresent()) {
          Directive d = criterion.get();
          Optional<Long> parsed = parseSize(d);
          size = parsed.orElse(size);
          comment = from(d) + ": rotate above " + Sizes.formatExact(size);
        }
        yaml.line(6, "maxSize: " + Sizes.formatExact(size + 1), comment);
        block
            .get("minsize")
            .ifPresent(
                d ->
                    yaml.comment(
                        6, from(d) + ": logrotate ignores minsize with size, and so does this"));
        block
            .get("maxsize")
            .ifPresent(
                d ->
                    yaml.comment(
                        6, from(d) + ": logrotate ignores maxsize with size, and so does this"));
      } else {
        timed = true;
        Directive d = criterion.get();
        switch (d.name()) {
          case "hourly" -> yaml.line(6, "schedule: \"0 * * * *\"", from(d));
          case "daily" -> yaml.line(6, "schedule: \"0 0 * * *\"", from(d));
          case "monthly" -> yaml.line(6, "schedule: \"0 0 1 * *\"", from(d));
          case "yearly" -> yaml.line(6, "schedule: \"0 0 1 1 *\"", from(d));
          default -> writeWeekly(yaml, d);
        }
        long maxSize = Long.MAX_VALUE;
        Optional<Directive> max = block.get("maxsize");
        if (max.isPresent()) {
          Optional<Long> parsed = parseSize(max.get());
          if (parsed.isPresent()) {
            maxSize = parsed.get() + 1;
            yaml.line(
                6,
                "maxSize: " + Sizes.formatExact(maxSize),
                from(max.get()) + ": rotate above " + Sizes.formatExact(parsed.get()));
          }
        }
        Optional<Directive> min = block.get("minsize");
        if (min.isPresent()) {
          Optional<Long> parsed = parseSize(min.get());
          if (parsed.isPresent() && parsed.get() + 1 > maxSize) {
            warnings.add(
                min.get(), "is larger than maxsize, which the agent refuses; minsize is left out");
          } else if (parsed.isPresent()) {
            yaml.line(
                6,
                "minSize: " + Sizes.formatExact(parsed.get() + 1),
                from(min.get()) + ": only above " + Sizes.formatExact(parsed.get()));
            return;
          }
        }
      }
      if (timed) {
        Optional<Directive> ifempty = block.get("ifempty");
        boolean rotateEmpty = ifempty.map(d -> d.name().equals("ifempty")).orElse(true);
        yaml.line(
            6,
            "rotateEmpty: " + rotateEmpty,
            ifempty.map(this::from).orElse("logrotate's default: ifempty"));
      } else {
        block
            .get("ifempty")
            .ifPresent(
                d ->
                    yaml.comment(
                        6, from(d) + ": a file above a size is never empty; nothing to carry"));
      }
    }

    private void writeWeekly(YamlOut yaml, Directive d) {
      String day = d.args().isEmpty() ? "0" : d.arg(0);
      if (day.equals("7")) {
        yaml.line(6, "maxAge: 7d", from(d) + ": every 7 days, whatever the weekday");
        return;
      }
      if (!day.matches("[0-6]")) {
        warnings.add(
            d, "the weekday " + day + " is not 0 (Sunday) to 6, or 7; weekly on Sunday is used");
        day = "0";
      }
      yaml.line(6, "schedule: \"0 0 * * " + day + "\"", from(d));
    }

    private Optional<Long> parseSize(Directive d) {
      Matcher m = SIZE.matcher(d.arg(0));
      if (!m.matches()) {
        warnings.add(
            d,
            YamlOut.quote(d.arg(0))
                + " is not a logrotate size (a number, optionally k, M or G); logrotate's"
                + " default is used instead");
        return Optional.empty();
      }
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        warnings.add(d, "the size is too large; logrotate's default is used instead");
        return Optional.empty();
      }
      int shift =
          switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
          };
      if (n > (Long.MAX_VALUE >> shift) - 1) {
        warnings.add(d, "the size is too large; logrotate's default is used instead");
        return Optional.empty();
      }
      return Optional.of(n << shift);
    }

    private void writeRetention(YamlOut yaml) {
      yaml.line(4, "retention:", null);
      Optional<Directive> rotate = block.get("rotate");
      Optional<Directive> maxage = block.get("maxage");
      Integer keep = 0;
      String keepComment = "logrotate's default: no rotate means no backup is kept";
      if (rotate.isPresent()) {
        Directive d = rotate.get();
        keepComment = from(d);
        try {
          long n = Long.parseLong(d.arg(0));
          if (n < 0) {
            keep = maxage.isPresent() ? null : MAX_KEEP;
            keepComment = from(d) + ": never delete by count";
          } else if (n > MAX_KEEP) {
            keep = MAX_KEEP;
            keepComment = from(d) + ": the agent's largest count";
          } else {
            keep = (int) n;
          }
        } catch (NumberFormatException e) {
          warnings.add(
              d, YamlOut.quote(d.arg(0)) + " is not a count; logrotate's default, 0, is used");
        }
      }
      if (keep != null) {
        yaml.line(6, "keep: " + keep, keepComment);
      }
      if (maxage.isPresent()) {
        Directive d = maxage.get();
        if (d.arg(0).matches("\\d{1,6}") && Integer.parseInt(d.arg(0)) > 0) {
          yaml.line(6, "maxAge: " + Integer.parseInt(d.arg(0)) + "d", from(d));
        } else if (d.arg(0).matches("0+")) {
          yaml.comment(6, from(d) + ": 0 sets no age limit");
          if (keep == null) {
            yaml.line(6, "keep: " + MAX_KEEP, "rotate -1 and no age limit: never delete");
          }
        } else {
          warnings.add(d, YamlOut.quote(d.arg(0)) + " is not a number of days; ignored");
          if (keep == null) {
            yaml.line(6, "keep: " + MAX_KEEP, "rotate -1 and no age limit: never delete");
          }
        }
      }
    }

    private void writeCompress(YamlOut yaml) {
      yaml.line(4, "compress:", null);
      Optional<Directive> compress = block.get("compress");
      if (compress.isEmpty() || compress.get().name().equals("nocompress")) {
        yaml.line(
            6, "codec: none", compress.map(this::from).orElse("logrotate's default: nocompress"));
        for (String s : List.of("delaycompress", "compresscmd", "compressoptions", "compressext")) {
          block
              .get(s)
              .ifPresent(
                  d -> yaml.comment(6, from(d) + ": no effect without compress, as in logrotate"));
        }
        return;
      }
      String codec = "gzip";
      String codecComment = from(compress.get()) + ": gzip, as logrotate's default compresscmd";
      Optional<Directive> cmd = block.get("compresscmd");
      if (cmd.isPresent()) {
        String program = Path.of(cmd.get().arg(0)).getFileName() + "";
        if (program.equals("gzip") || program.equals("pigz")) {
          codecComment = from(compress.get()) + ", " + from(cmd.get());
        } else if (program.equals("zstd") || program.equals("pzstd")) {
          codec = "zstd";
          codecComment = from(compress.get()) + ", " + from(cmd.get());
        } else {
          warnings.add(
              cmd.get(),
              "the agent compresses with gzip or zstd only; gzip is used (zstd compresses faster"
                  + " and smaller: codec: zstd)");
        }
      }
      yaml.line(6, "codec: " + codec, codecComment);
      if (codec.equals("gzip")) {
        yaml.comment(
            6,
            "zstd (codec: zstd) compresses faster and smaller; it names backups .zst instead of"
                + " .gz");
      }
      int max = codec.equals("gzip") ? 9 : 19;
      Optional<Directive> options = block.get("compressoptions");
      int level = codec.equals("gzip") ? 6 : 3;
      String levelComment =
          codec.equals("gzip") ? "logrotate's default compressoptions: -6" : "zstd's default";
      if (options.isPresent()) {
        Directive d = options.get();
        List<String> other = new ArrayList<>();
        for (String a : d.args()) {
          Matcher m = LEVEL.matcher(a);
          int n = m.matches() ? Integer.parseInt(m.group(1)) : -1;
          if (n >= 1 && n <= max) {
            level = n;
            levelComment = from(d);
          } else {
            other.add(a);
          }
        }
        if (!other.isEmpty()) {
          warnings.add(
              d,
              "the options "
                  + String.join(" ", other)
                  + " have no equivalent; the agent sets only the "
                  + codec
                  + " level (1 to "
                  + max
                  + ")");
        }
      }
      yaml.line(6, "level: " + level, levelComment);
      block
          .get("delaycompress")
          .filter(d -> d.name().equals("delaycompress"))
          .ifPresent(d -> yaml.line(6, "delay: true", from(d)));
      String ext = codec.equals("gzip") ? ".gz" : ".zst";
      block
          .get("compressext")
          .ifPresent(
              d -> {
                if (d.arg(0).equals(ext)) {
                  yaml.comment(6, from(d) + ": the agent's own extension");
                } else {
                  warnings.add(
                      d, "the agent names compressed backups " + ext + "; the extension is fixed");
                }
              });
    }

    private void writeReopen(YamlOut yaml) {
      Optional<Directive> post = block.get("postrotate").or(() -> block.get("lastaction"));
      if (block.is("copytruncate", "copytruncate")) {
        Directive d = block.get("copytruncate").get();
        yaml.line(4, "reopen:", null);
        yaml.line(6, "method: copytruncate", from(d));
        post.ifPresent(
            s ->
                warnings.add(
                    s,
                    "with copytruncate the agent runs no command after the rotation; the script"
                        + " is not run"));
        return;
      }
      yaml.line(4, "reopen:", null);
      if (post.isEmpty()) {
        yaml.line(
            6,
            "method: none",
            "logrotate renames the log and tells no one (no copytruncate, no postrotate)");
        return;
      }
      Directive d = post.get();
      Optional<SignalScript.Signal> signal = SignalScript.recognise(d.script());
      if (signal.isPresent()) {
        yaml.line(6, "method: signal", d.name() + " (" + d.origin() + "): " + firstLine(d));
        yaml.line(6, "signal: " + signal.get().signal(), null);
        yaml.line(6, "pidFile: " + YamlOut.quote(signal.get().pidFile()), null);
        return;
      }
      yaml.line(6, "method: command", d.name() + " script (" + d.origin() + "), run by sh");
      // logrotate runs scripts as `sh -c script logrotate_script <log>`: $1 is the log.
      yaml.line(
          6,
          "command: "
              + YamlOut.flowList(List.of("/bin/sh", "-c", d.script(), "logrotate_script", path)),
          null);
      if (severalFiles && !block.is("sharedscripts", "sharedscripts")) {
        yaml.comment(6, "run once per rotated file, as logrotate does without sharedscripts");
      }
    }

    private String firstLine(Directive d) {
      String s = d.script().strip();
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    private void writeBackup(YamlOut yaml) {
      Optional<String> dir = olddir();
      Optional<String> dateFormat = dateFormat();
      if (dir.isEmpty() && dateFormat.isEmpty()) {
        return;
      }
      yaml.line(4, "backup:", null);
      dateFormat.ifPresent(
          f -> yaml.line(6, "dateFormat: " + YamlOut.quote(f), from(block.get("dateext").get())));
      dir.ifPresent(f -> yaml.line(6, "dir: " + YamlOut.quote(f), from(block.get("olddir").get())));
    }

    private Optional<String> olddir() {
      Optional<Directive> olddir = block.get("olddir").filter(d -> d.name().equals("olddir"));
      if (olddir.isEmpty()) {
        return Optional.empty();
      }
      Directive d = olddir.get();
      if (d.arg(0).isEmpty()) {
        warnings.add(d, "names no directory; ignored");
        return Optional.empty();
      }
      try {
        Path dir = Path.of(d.arg(0));
        if (!dir.isAbsolute()) {
          Path parent = Path.of(path).getParent();
          if (Entry.isGlob(parent.toString())) {
            warnings.add(
                d,
                "is relative to each log's directory, and "
                    + path
                    + " has a glob in its directory; write an absolute olddir");
            return Optional.empty();
          }
          dir = parent.resolve(dir);
        }
        return Optional.of(dir.normalize().toString());
      } catch (InvalidPathException e) {
        warnings.add(d, "is not a valid path (" + e.getReason() + "); ignored");
        return Optional.empty();
      }
    }

    /** The agent's dateFormat for dateext, or empty (and a naming warning) when it differs. */
    private Optional<String> dateFormat() {
      Optional<Directive> dateext = block.get("dateext").filter(d -> d.name().equals("dateext"));
      if (dateext.isEmpty()) {
        Origin at = block.get("dateext").map(Directive::origin).orElse(block.origin());
        warnings.add(
            at,
            block.get("dateext").map(Directive::name).orElse("nodateext"),
            "logrotate numbers backups (<log>.1, <log>.2); the agent names them"
                + " <log>.<yyyyMMdd-HHmmss>, so it does not prune backups logrotate left; delete"
                + " those by hand once");
        return Optional.empty();
      }
      Optional<Directive> format = block.get("dateformat");
      String strftime = format.map(d -> d.arg(0)).orElse("-%Y%m%d");
      Origin at = format.map(Directive::origin).orElse(dateext.get().origin());
      String name = format.map(Directive::name).orElse("dateext");
      Optional<String> pattern =
          DateFormats.toJavaPattern(
              strftime.startsWith(".")
                  ? strftime.substring(1)
                  : strftime.replaceFirst("^[-_]", ""));
      if (pattern.isEmpty()) {
        warnings.add(
            at,
            name,
            YamlOut.quote(strftime)
                + " cannot be carried over (the agent needs %Y, %m and %d, and supports %H %M %S"
                + " %y); backups are named <log>.<yyyyMMdd-HHmmss>");
        return Optional.empty();
      }
      if (!strftime.startsWith(".")) {
        warnings.add(
            at,
            name,
            "the agent names backups <log>.<date>, with a '.' where logrotate writes <log>"
                + strftime
                + "; it does not prune backups logrotate left, delete those by hand once");
      }
      return pattern;
    }

    private void writeCreate(YamlOut yaml) {
      Optional<Directive> create = block.get("create").filter(d -> d.name().equals("create"));
      if (create.isEmpty() || create.get().args().isEmpty()) {
        return;
      }
      Directive d = create.get();
      if (block.is("copytruncate", "copytruncate")) {
        yaml.comment(4, from(d) + ": no effect with copytruncate, as in logrotate");
        return;
      }
      List<String> args = new ArrayList<>(d.args());
      Integer mode = null;
      if (MODE.matcher(args.get(0)).matches()) {
        mode = Integer.parseInt(args.remove(0), 8);
        if (mode > 0777) {
          warnings.add(
              d, "the mode's setuid, setgid or sticky bits are refused for a log; left out");
          mode &= 0777;
        }
        if ((mode & 0002) != 0) {
          warnings.add(
              d,
              "the mode makes the log world-writable, which the agent refuses unless the entry"
                  + " sets allowWorldWritable: true; write for others is left out");
          mode &= ~0002;
        }
      }
      String owner = args.size() > 0 ? args.get(0) : null;
      String group = args.size() > 1 ? args.get(1) : null;
      if (owner != null && !ACCOUNT.matcher(owner).matches()) {
        warnings.add(d, YamlOut.quote(owner) + " is not a user name the agent accepts; left out");
        owner = null;
      }
      if (group != null && !ACCOUNT.matcher(group).matches()) {
        warnings.add(d, YamlOut.quote(group) + " is not a group name the agent accepts; left out");
        group = null;
      }
      // The agent's validate looks the accounts up: one unknown here would make the output invalid.
      if (owner != null && Accounts.HOST.uid(owner).isEmpty()) {
        warnings.add(
            d,
            YamlOut.quote(owner)
                + " is not a user on this host; left out (add create.owner once it exists)");
        owner = null;
      }
      if (group != null && Accounts.HOST.gid(group).isEmpty()) {
        warnings.add(
            d,
            YamlOut.quote(group)
                + " is not a group on this host; left out (add create.group once it exists)");
        group = null;
      }
      if (mode == null && owner == null && group == null) {
        return;
      }
      yaml.line(4, "create:", from(d));
      if (mode != null) {
        yaml.line(6, "mode: \"0" + String.format("%03o", mode) + "\"", null);
      }
      if (owner != null) {
        yaml.line(6, "owner: " + YamlOut.quote(owner), null);
      }
      if (group != null) {
        yaml.line(6, "group: " + YamlOut.quote(group), null);
      }
    }
  }
}
