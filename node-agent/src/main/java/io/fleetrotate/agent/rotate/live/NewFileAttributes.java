package io.fleetrotate.agent.rotate.live;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The mode and owner a file the agent creates (a backup, a fresh live file) gets, set with {@code
 * fchown} and {@code fchmod} on its descriptor, never by name: a user who swaps the name for a
 * symbolic link right after the creation cannot have root chown or chmod the link's target. Each
 * part left empty copies the file it replaces, when there is one.
 *
 * @param mode permission bits such as {@code 0640}
 * @param uid numeric owner
 * @param gid numeric group
 */
public record NewFileAttributes(OptionalInt mode, OptionalInt uid, OptionalInt gid) {

  /** Everything copied from the file it replaces. */
  public static final NewFileAttributes SAME_AS_REPLACED =
      new NewFileAttributes(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());

  public NewFileAttributes {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(gid, "gid");
  }

  /**
   * Sets owner, group and mode of {@code created}: the configured parts, else those of {@code
   * like}. Copying the owner is best effort (an agent that is not root may not give files away); a
   * configured owner that cannot be set is an error.
   */
  public void applyTo(FileHandle created, Optional<FileHandle.Stat> like) throws IOException {
    FileHandle.Stat now = created.opened();
    int wantUid = uid.orElse(like.map(FileHandle.Stat::uid).orElse(now.uid()));
    int wantGid = gid.orElse(like.map(FileHandle.Stat::gid).orElse(now.gid()));
    if (wantUid != now.uid() || wantGid != now.gid()) {
      try {
        created.chown(wantUid == now.uid() ? -1 : wantUid, wantGid == now.gid() ? -1 : wantGid);
      } catch (AccessDeniedException e) {
        if (uid.isPresent() || gid.isPresent()) {
          throw new AccessDeniedException(
              created.path().toString(),
              null,
              "cannot give it owner "
                  + wantUid
                  + " and group "
                  + wantGid
                  + " as create asks; run the agent as root or remove create.owner and"
                  + " create.group");
        }
      }
    }
    OptionalInt wantMode =
        mode.isPresent()
            ? mode
            : like.map(s -> OptionalInt.of(s.permissions() & 0777)).orElse(OptionalInt.empty());
    if (wantMode.isPresent()) {
      // After the chown, which may clear bits; explicit, so the umask cannot narrow it.
      created.chmod(wantMode.getAsInt());
    }
  }
}
