package io.fleetrotate.agent.config;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code files}: a log, or a glob of logs, and how to rotate it.
 *
 * @param path an absolute path or an absolute glob ({@code /var/log/mcp/*.log}), as written but
 *     normalized ({@code //} and {@code ..} resolved)
 * @param group the rotation group of this file; empty means {@code node.group}
 * @param trigger when the file is due
 * @param retention which backups to keep
 * @param compress how backups are compressed
 * @param reopen how the writer is made to write to a fresh file
 * @param backup how backups are named and where they go
 * @param create ownership and mode of the fresh file when the agent creates it
 * @param allowWorldWritable whether rotating a world-writable log (or creating one) is allowed
 *     (default false: a world-writable log lets anyone on the host forge entries)
 */
public record FileConfig(
    String path,
    Optional<String> group,
    TriggerConfig trigger,
    RetentionConfig retention,
    CompressConfig compress,
    ReopenConfig reopen,
    BackupConfig backup,
    CreateConfig create,
    boolean allowWorldWritable) {
  public FileConfig {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(compress, "compress");
    Objects.requireNonNull(reopen, "reopen");
    Objects.requireNonNull(backup, "backup");
    Objects.requireNonNull(create, "create");
  }

  /** The group whose lease this file's rotation takes: its own, else the node's. */
  public String effectiveGroup(NodeConfig node) {
    return group.orElse(node.group());
  }

  /** Whether {@link #path()} is a glob (contains {@code * ? [ {}) rather than one file. */
  public boolean isGlob() {
    return isGlob(path);
  }

  /**
   * Matches the files this entry watches; for a plain path, exactly that path. Callers must still
   * skip this entry's own backups, which a glob such as {@code /var/log/*} also matches.
   */
  public PathMatcher matcher() {
    if (!isGlob()) {
      Path self = Path.of(path);
      return self::equals;
    }
    return FileSystems.getDefault().getPathMatcher("glob:" + path);
  }

  /**
   * The deepest directory that contains every file this entry can match: the parent of a plain
   * path, or the directories before the first glob character ({@code /var/log/mcp} for {@code
   * /var/log/mcp/*.log}).
   */
  public Path searchRoot() {
    Path p = Path.of(path);
    Path root = p.getRoot();
    for (Path name : p) {
      if (isGlob(name.toString())) {
        return root;
      }
      root = root.resolve(name);
    }
    return p.getParent();
  }

  static boolean isGlob(String s) {
    return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }
}
