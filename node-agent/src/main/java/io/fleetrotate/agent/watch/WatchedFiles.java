package io.fleetrotate.agent.watch;

import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.agent.rotate.BackupNaming;
import io.fleetrotate.agent.rotate.FenceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The live files a configuration entry names: the path itself, or what its glob matches now. Never
 * symbolic links, never this agent's own backups and temporary files.
 */
final class WatchedFiles {
  private static final int MAX_DEPTH = 8;

  private WatchedFiles() {}

  static List<Path> expand(FileConfig entry, String datePattern, ZoneId zone) throws IOException {
    if (!entry.isGlob()) {
      Path p = Path.of(entry.path());
      return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? List.of(p) : List.of();
    }
    Path root = entry.searchRoot();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    PathMatcher matcher = entry.matcher();
    int depth = Math.min(MAX_DEPTH, Path.of(entry.path()).getNameCount() - root.getNameCount());
    List<Path> candidates = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root, depth)) {
      walk.filter(matcher::matches)
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .filter(p -> !isTemporary(p))
          .sorted()
          .forEach(candidates::add);
    }
    List<Path> live = new ArrayList<>();
    for (Path c : candidates) {
      if (!isBackupOfAnother(c, candidates, datePattern, zone)) {
        live.add(c);
      }
    }
    return live;
  }

  private static boolean isTemporary(Path p) {
    String name = p.getFileName().toString();
    return name.startsWith(".") && name.endsWith(".tmp") || FenceFile.isFenceFile(p);
  }

  private static boolean isBackupOfAnother(
      Path candidate, List<Path> all, String datePattern, ZoneId zone) {
    String name = candidate.getFileName().toString();
    for (Path other : all) {
      String otherName = other.getFileName().toString();
      if (other != candidate
          && other.getParent().equals(candidate.getParent())
          && name.startsWith(otherName + ".")
          && new BackupNaming(other, other.getParent(), datePattern, zone)
              .parse(candidate, 0)
              .isPresent()) {
        return true;
      }
    }
    return false;
  }
}
