package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention deletes relative to the backup directory's descriptor: a directory swapped for a
 * symbolic link, or a backup's name swapped for a link or another file after the listing, never
 * gets a file outside the directory, or one it did not list, deleted.
 */
class BackupDirectoryTest {

  private static final List<String> NAMES =
      List.of("app.log.20261119-020000", "app.log.20261120-020000.gz");

  @TempDir Path dir;

  private Path withBackups(Path d) throws IOException {
    Files.createDirectories(d);
    for (String n : NAMES) {
      Files.writeString(d.resolve(n), "backup " + n + " in " + d.getFileName() + "\n");
    }
    return d;
  }

  private static BackupNaming naming(Path backupDir) {
    return new BackupNaming(
        backupDir.resolve("app.log"), backupDir, "yyyyMMdd-HHmmss", ZoneOffset.UTC);
  }

  @Test
  void aBackupDirectorySwappedForASymlinkAfterItWasOpenedIsNeverPrunedThrough() throws Exception {
    Path logs = withBackups(dir.resolve("logs/old"));
    Path outside = withBackups(dir.resolve("outside"));

    try (BackupDirectory opened = BackupDirectory.open(naming(logs)).orElseThrow()) {
      List<Backup> listed = opened.list();
      assertThat(listed).hasSize(2);
      // The user who can write logs/ swaps old/ for a link to a directory of the same names.
      Files.move(logs, dir.resolve("logs/old-moved"), StandardCopyOption.ATOMIC_MOVE);
      Files.createSymbolicLink(logs, outside);

      for (Backup b : listed) {
        assertThat(opened.delete(b)).isTrue();
      }
    }

    for (String n : NAMES) {
      assertThat(outside.resolve(n)).exists();
      assertThat(dir.resolve("logs/old-moved").resolve(n)).doesNotExist();
    }
  }

  @Test
  void aBackupDirectoryThatIsASymlinkIsRefused() throws Exception {
    Path outside = withBackups(dir.resolve("outside"));
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path link = Files.createSymbolicLink(logs.resolve("old"), outside);

    assertThatThrownBy(() -> BackupDirectory.open(naming(link)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link");
    for (String n : NAMES) {
      assertThat(outside.resolve(n)).exists();
    }
  }

  @Test
  void aBackupNameSwappedForAnotherFileAfterTheListingIsLeftAlone() throws Exception {
    Path logs = withBackups(dir.resolve("logs"));
    Path other = Files.writeString(dir.resolve("logs/.other"), "not a backup the agent listed\n");

    try (BackupDirectory opened = BackupDirectory.open(naming(logs)).orElseThrow()) {
      List<Backup> listed = opened.list();
      Path swapped = listed.get(0).path();
      Files.move(other, swapped, StandardCopyOption.ATOMIC_MOVE);

      assertThat(opened.delete(listed.get(0))).isFalse();
      assertThat(opened.delete(listed.get(1))).isTrue();
      assertThat(Files.readString(swapped)).isEqualTo("not a backup the agent listed\n");
    }
  }

  @Test
  void aBackupNameSwappedForASymlinkAfterTheListingNeverDeletesItsTarget() throws Exception {
    Path logs = withBackups(dir.resolve("logs"));
    Path outside = Files.writeString(dir.resolve("precious"), "outside\n");

    try (BackupDirectory opened = BackupDirectory.open(naming(logs)).orElseThrow()) {
      List<Backup> listed = opened.list();
      Path link = Files.createSymbolicLink(dir.resolve("logs/.link"), outside);
      Files.move(link, listed.get(0).path(), StandardCopyOption.ATOMIC_MOVE);

      assertThat(opened.delete(listed.get(0))).isFalse();
    }
    assertThat(Files.readString(outside)).isEqualTo("outside\n");
  }

  @Test
  void symlinksNamedLikeBackupsAreNeverListed() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path outside = Files.writeString(dir.resolve("precious"), "outside\n");
    Files.createSymbolicLink(logs.resolve("app.log.20261119-020000"), outside);

    try (BackupDirectory opened = BackupDirectory.open(naming(logs)).orElseThrow()) {
      assertThat(opened.list()).isEmpty();
    }
  }
}
