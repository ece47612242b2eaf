package io.fleetrotate.agent.rotate;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Names backups of one live log and recognises them again. A backup is {@code <log
 * name>.<date>[.<n>][.zst|.gz]} in the backup directory; anything that does not parse exactly is
 * not ours and is never touched.
 */
public final class BackupNaming {

  static final List<String> EXTENSIONS = List.of(".zst", ".gz");
  private static final int MAX_SEQUENCE = 10_000;

  private final Path liveFile;
  private final Path backupDir;
  private final String prefix;
  private final DateTimeFormatter format;
  private final DateTimeFormatter parser;
  private final ZoneId zone;

  public BackupNaming(Path liveFile, Path backupDir, String datePattern, ZoneId zone) {
    this.liveFile = liveFile;
    this.backupDir = backupDir;
    this.prefix = liveFile.getFileName() + ".";
    this.zone = zone;
    this.format = DateTimeFormatter.ofPattern(datePattern).withZone(zone);
    // Patterns without a time of day still resolve to an instant.
    this.parser =
        new DateTimeFormatterBuilder()
            .appendPattern(datePattern)
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
            .toFormatter()
            .withResolverStyle(ResolverStyle.SMART);
  }

  public Path liveFile() {
    return liveFile;
  }

  public Path backupDir() {
    return backupDir;
  }

  /**
   * A fresh backup path for a rotation at {@code at}: no file exists under that name with or
   * without a codec extension, so neither the rename nor the later compression can overwrite.
   */
  public Path newBackup(Instant at) throws IOException {
    String base = prefix + format.format(at);
    for (int n = 0; n < MAX_SEQUENCE; n++) {
      String name = n == 0 ? base : base + "." + n;
      if (isFree(name)) {
        return backupDir.resolve(name);
      }
    }
    throw new IOException(
        "more than " + MAX_SEQUENCE + " backups of " + liveFile + " share the stamp " + base);
  }

  private boolean isFree(String name) {
    if (Files.exists(backupDir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    for (String ext : EXTENSIONS) {
      if (Files.exists(backupDir.resolve(name + ext), LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
    }
    return true;
  }

  /** The hidden temporary file a compressed backup is written to before its atomic rename. */
  public static Path tempFor(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".tmp");
  }

  /**
   * The temporary file one rotation ({@code rotationId}) writes {@code target} into: its own, so
   * that a paused holder whose lease ran out and the next holder compressing the same backup never
   * write into one file (opened with truncate, a shared name would let the resumed one overwrite
   * the other's finished output through its still-open descriptor).
   */
  public static Path tempFor(Path target, String rotationId) {
    String tag = rotationId.length() > 8 ? rotationId.substring(0, 8) : rotationId;
    return target.resolveSibling("." + target.getFileName() + "." + tag + ".tmp");
  }

  /**
   * Whether {@code fileName} has the form of a backup of some log, {@code <log
   * name>.<date>[.<n>][.zst|.gz]} with this date pattern, whether or not that log exists now.
   */
  public static boolean isBackupName(String fileName, String datePattern, ZoneId zone) {
    Path any = Path.of("/");
    for (int dot = fileName.indexOf('.', 1); dot > 0; dot = fileName.indexOf('.', dot + 1)) {
      BackupNaming naming =
          new BackupNaming(any.resolve(fileName.substring(0, dot)), any, datePattern, zone);
      if (naming.parse(any.resolve(fileName), 0).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** The backup a file name denotes, if it is one of ours. */
  public Optional<Backup> parse(Path candidate, long sizeBytes) {
    String name = candidate.getFileName().toString();
    if (!name.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = name.substring(prefix.length());
    String extension = EXTENSIONS.stream().filter(rest::endsWith).findFirst().orElse("");
    String stem = rest.substring(0, rest.length() - extension.length());
    Optional<Instant> stamp = parseStamp(stem);
    if (stamp.isPresent()) {
      return Optional.of(new Backup(candidate, stamp.get(), 0, extension, sizeBytes));
    }
    int dot = stem.lastIndexOf('.');
    if (dot > 0 && isSequence(stem.substring(dot + 1))) {
      int sequence = Integer.parseInt(stem.substring(dot + 1));
      return parseStamp(stem.substring(0, dot))
          .map(at -> new Backup(candidate, at, sequence, extension, sizeBytes));
    }
    return Optional.empty();
  }

  private static boolean isSequence(String s) {
    if (s.isEmpty() || s.length() > 5 || s.charAt(0) == '0') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private Optional<Instant> parseStamp(String text) {
    try {
      LocalDateTime local = LocalDateTime.parse(text, parser);
      // Round-trip check: only names this pattern could have written are ours.
      Instant at = local.atZone(zone).toInstant();
      return format.format(at).equals(text) ? Optional.of(at) : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Every backup of this log, oldest first. Symbolic links and directories are never ours. */
  public List<Backup> list() throws IOException {
    List<Backup> found = new ArrayList<>();
    if (!Files.isDirectory(backupDir, LinkOption.NOFOLLOW_LINKS)) {
      return found;
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(backupDir, prefix + "*")) {
      for (Path p : dir) {
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException gone) {
          continue;
        }
        if (attrs.isRegularFile()) {
          parse(p, attrs.size()).ifPresent(found::add);
        }
      }
    }
    found.sort(Backup.OLDEST_FIRST);
    return found;
  }
}
