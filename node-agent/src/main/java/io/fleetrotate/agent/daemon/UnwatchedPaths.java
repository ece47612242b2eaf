package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.config.AgentConfig;
import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.config.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured paths that cannot name a file now: a log whose directory does not exist, a glob
 * that matches nothing. Both are valid (the server may create them later) but rotate nothing until
 * then, so {@code validate}, {@code run} and {@code status} each say so, naming the key and path.
 */
public final class UnwatchedPaths {
  private UnwatchedPaths() {}

  /** One sentence per entry that names no file now, in the order of {@code files}. */
  public static List<String> of(AgentConfig config) {
    AgentOwnFiles own = new AgentOwnFiles(config.stateDir(), ZoneId.systemDefault());
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < config.files().size(); i++) {
      FileConfig entry = config.files().get(i);
      String key = "files[" + i + "].path " + Sizes.quote(entry.path()) + ": ";
      Path dir = entry.isGlob() ? entry.searchRoot() : Path.of(entry.path()).getParent();
      if (!Files.isDirectory(dir)) {
        warnings.add(
            key
                + "the directory "
                + dir
                + " does not exist; nothing is rotated there until it is created.");
      } else if (entry.isGlob() && matchesNothing(entry, own)) {
        warnings.add(key + "matches no file yet; nothing is rotated until a file matches.");
      }
    }
    return warnings;
  }

  private static boolean matchesNothing(FileConfig entry, AgentOwnFiles own) {
    try {
      return WatchedFiles.expand(entry, own).isEmpty();
    } catch (IOException e) {
      return true; // unreadable: the check loop reports the reason when it tries
    }
  }
}
