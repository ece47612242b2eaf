package io.fleetrotate.agent.rotate;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backup directory of one log, opened once without following a symbolic link at its own name,
 * for deleting retention victims. Listing, the check before each deletion ({@code fstatat} with
 * {@code AT_SYMLINK_NOFOLLOW}) and the deletion itself ({@code unlinkat}) all go through that one
 * directory descriptor, via the JDK's {@link SecureDirectoryStream}: a user who can write the
 * parent and swaps the directory for a symbolic link, or swaps a backup's name for a link or
 * another file between the listing and the deletion, makes the agent delete nothing outside the
 * directory and nothing it did not list.
 */
final class BackupDirectory implements Closeable {

  private final BackupNaming naming;
  private final SecureDirectoryStream<Path> dir;
  // What each listed backup was: a deletion goes ahead only if the name still denotes it.
  private final Map<Path, Object> fileKeys = new HashMap<>();

  private BackupDirectory(BackupNaming naming, SecureDirectoryStream<Path> dir) {
    this.naming = naming;
    this.dir = dir;
  }

  /**
   * Opens {@code naming.backupDir()}: its parent as usual (root's path, trusted), the directory
   * itself relative to the parent with {@code O_NOFOLLOW}.
   *
   * @return empty when the directory does not exist
   * @throws IOException when it is a symbolic link or not a directory, or this platform offers no
   *     descriptor-relative deletion
   */
  static Optional<BackupDirectory> open(BackupNaming naming) throws IOException {
    Path backupDir = naming.backupDir().toAbsolutePath();
    Path parent = backupDir.getParent();
    if (parent == null) {
      throw new IOException("refusing to prune backups in the root directory " + backupDir);
    }
    try (DirectoryStream<Path> up = Files.newDirectoryStream(parent)) {
      if (!(up instanceof SecureDirectoryStream<Path> secureUp)) {
        throw new IOException(
            "cannot prune "
                + backupDir
                + " safely: this platform cannot delete relative to a directory descriptor");
      }
      SecureDirectoryStream<Path> opened;
      try {
        opened = secureUp.newDirectoryStream(backupDir.getFileName(), LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (FileSystemException e) {
        throw new IOException(
            "refusing to prune "
                + backupDir
                + ": it is a symbolic link or not a directory ("
                + e.getReason()
                + ")",
            e);
      }
      return Optional.of(new BackupDirectory(naming, opened));
    }
  }

  /** Every backup of the log in this directory, oldest first: regular files only. */
  List<Backup> list() throws IOException {
    List<Backup> found = new ArrayList<>();
    for (Path entry : dir) {
      Path name = entry.getFileName();
      Optional<BasicFileAttributes> attrs = attributes(name);
      if (attrs.isEmpty() || !attrs.get().isRegularFile()) {
        continue;
      }
      Optional<Backup> b = naming.parse(naming.backupDir().resolve(name), attrs.get().size());
      if (b.isPresent()) {
        found.add(b.get());
        fileKeys.put(name, attrs.get().fileKey());
      }
    }
    found.sort(Backup.OLDEST_FIRST);
    return found;
  }

  /**
   * Deletes a backup {@link #list} returned, if its name still denotes the same regular file.
   *
   * @return false when it was gone or had been swapped for something else (left alone)
   */
  boolean delete(Backup b) throws IOException {
    Path name = b.path().getFileName();
    Object listed = fileKeys.get(name);
    Optional<BasicFileAttributes> now = attributes(name);
    if (listed == null
        || now.isEmpty()
        || !now.get().isRegularFile()
        || !listed.equals(now.get().fileKey())) {
      return false;
    }
    try {
      dir.deleteFile(name);
      return true;
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  private Optional<BasicFileAttributes> attributes(Path name) throws IOException {
    try {
      return Optional.of(
          dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes());
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws IOException {
    dir.close();
  }
}
