package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.config.FileConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
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

  /**
   * The files {@code entry} names now. A glob never yields the agent's own files ({@link
   * AgentOwnFiles}: fences, journal, temporaries, backups); a plain path is taken as written.
   */
  static List<Path> expand(FileConfig entry, AgentOwnFiles own) throws IOException {
    if (!entry.isGlob()) {
      Path p = Path.of(entry.path());
      return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? List.of(p) : List.of();
    }
    Path root = entry.searchRoot();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    PathMatcher matcher = entry.matcher();
    String datePattern = entry.backup().dateFormat();
    int depth = Math.min(MAX_DEPTH, Path.of(entry.path()).getNameCount() - root.getNameCount());
    List<Path> live = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root, depth)) {
      walk.filter(matcher::matches)
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .filter(p -> !own.isOwn(p, datePattern))
          .sorted()
          .forEach(live::add);
    }
    return live;
  }
}
