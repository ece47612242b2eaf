package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.ahead.AheadPartial;
import io.fleetrotate.agent.config.BackupConfig;
import io.fleetrotate.agent.rotate.BackupNaming;
import io.fleetrotate.agent.rotate.FenceFile;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The files that are the agent's own and never a log to rotate, whatever a glob or a command names:
 * fence files ({@code .<log>.fence}), everything under the state directory (journal, outbox,
 * state), the journal's files anywhere, hidden temporary and partial files, and names of the backup
 * pattern ({@code <log>.<yyyyMMdd-HHmmss>[.N][.zst|.gz]}) whether or not their log exists now.
 * Rotating one would rotate a fence (and defeat it) or a backup (and nest backups forever).
 */
final class AgentOwnFiles {
  private static final List<String> HIDDEN_SUFFIXES =
      List.of(".tmp", ".partial", ".part", ".fence", ".lock");
  private static final Pattern JOURNAL =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.journal");

  private final Path stateDir;
  private final ZoneId zone;

  AgentOwnFiles(Path stateDir, ZoneId zone) {
    this.stateDir = stateDir.toAbsolutePath().normalize();
    this.zone = zone;
  }

  /** Whether {@code p} is one of the agent's own files, given the entry's backup date pattern. */
  boolean isOwn(Path p, String datePattern) {
    Path abs = p.toAbsolutePath().normalize();
    if (abs.startsWith(stateDir) || FenceFile.isFenceFile(abs)) {
      return true;
    }
    String name = abs.getFileName().toString();
    if (name.startsWith(".") && HIDDEN_SUFFIXES.stream().anyMatch(name::endsWith)) {
      return true;
    }
    if (AheadPartial.isPartialFile(name)) {
      return true;
    }
    if (JOURNAL.matcher(name).matches()) {
      return true;
    }
    return BackupNaming.isBackupName(name, datePattern, zone)
        || (!datePattern.equals(BackupConfig.DEFAULT_DATE_FORMAT)
            && BackupNaming.isBackupName(name, BackupConfig.DEFAULT_DATE_FORMAT, zone));
  }
}
