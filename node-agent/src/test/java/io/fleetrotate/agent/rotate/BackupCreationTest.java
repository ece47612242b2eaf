package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.CompressionFailure;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.rotate.live.LiveFileMover;
import io.fleetrotate.agent.rotate.live.LiveMoveMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files the agent creates in the log directory (backups, compressed temporaries) are created {@code
 * O_EXCL|O_NOFOLLOW}, and backups are read without following a link: a symbolic link planted under
 * such a name, or swapped in for a backup, never gets a file outside the directory written, cut or
 * copied.
 */
class BackupCreationTest {

  private static final byte[] SECRET =
      "root:$6$outside-the-log-directory\n".repeat(400).getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LOG =
      "{\"seq\":1,\"msg\":\"tool call\"}\n".repeat(400).getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  private Path outside() throws Exception {
    Path outsideDir = Files.createDirectories(dir.resolve("outside"));
    return Files.write(outsideDir.resolve("shadow"), SECRET);
  }

  private Path logs() throws Exception {
    return Files.createDirectories(dir.resolve("logs"));
  }

  @Test
  void copyTruncateRefusesASymlinkPlantedAtTheBackupNameAndTouchesNeitherFile() throws Exception {
    Path outside = outside();
    Path live = Files.write(logs().resolve("app.log"), LOG);
    Path backup = Files.createSymbolicLink(live.resolveSibling("app.log.20261121-020000"), outside);

    assertThatThrownBy(() -> new LiveFileMover().move(live, backup, LiveMoveMethod.COPY_TRUNCATE))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("backup already exists");

    assertThat(Files.readAllBytes(outside)).isEqualTo(SECRET);
    assertThat(Files.readAllBytes(live)).isEqualTo(LOG);
    assertThat(Files.isSymbolicLink(backup)).isTrue();
  }

  @Test
  void aDanglingSymlinkAtTheBackupNameIsRefusedNotFollowedToCreateItsTarget() throws Exception {
    Path live = Files.write(logs().resolve("app.log"), LOG);
    Path target = dir.resolve("outside-created-by-root");
    Path backup = Files.createSymbolicLink(live.resolveSibling("app.log.20261121-020000"), target);

    assertThatThrownBy(() -> new LiveFileMover().move(live, backup, LiveMoveMethod.COPY_TRUNCATE))
        .isInstanceOf(FileAlreadyExistsException.class);

    assertThat(target).doesNotExist();
    assertThat(Files.readAllBytes(live)).isEqualTo(LOG);
  }

  @Test
  void compressionNeverWritesThroughASymlinkPlantedAtItsTargetName() throws Exception {
    Path outside = outside();
    Path backup = Files.write(logs().resolve("app.log.20261121-020000"), LOG);
    Path tmp = Files.createSymbolicLink(backup.resolveSibling(".app.log.gz.tmp"), outside);

    assertThatThrownBy(
            () ->
                new Compressor()
                    .compress(
                        backup,
                        tmp,
                        new CompressionRequest(Codec.GZIP, 1, 0),
                        ProgressListener.NONE))
        .isInstanceOf(CompressionFailure.class);

    assertThat(Files.readAllBytes(outside)).isEqualTo(SECRET);
    assertThat(Files.readAllBytes(backup)).isEqualTo(LOG);
  }

  @Test
  void compressionNeverReadsABackupSwappedForASymlink() throws Exception {
    Path outside = outside();
    Path backup = Files.createSymbolicLink(logs().resolve("app.log.20261121-020000"), outside);
    Path target = backup.resolveSibling(".app.log.20261121-020000.gz.tmp");

    assertThatThrownBy(
            () ->
                new Compressor()
                    .compress(
                        backup,
                        target,
                        new CompressionRequest(Codec.GZIP, 1, 0),
                        ProgressListener.NONE))
        .isInstanceOf(CompressionFailure.class);

    assertThat(target).doesNotExist();
    assertThat(Files.readAllBytes(outside)).isEqualTo(SECRET);
  }
}
