package io.fleetrotate.agent.rotate.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moving quiet files aside: exact bytes, on the filesystems that matter. */
class LiveFileMoverTest {

  @TempDir Path tempDir;
  private final LiveFileMover mover = new LiveFileMover();

  @Test
  void copyTruncateCopiesAQuietFileWholeAndEmptiesIt() throws IOException {
    byte[] content = numberedLines(1, 500);
    Path live = Files.write(tempDir.resolve("server.log"), content);
    Path backup = tempDir.resolve("server.log.1");

    MoveResult result = mover.move(live, backup, LiveMoveMethod.COPY_TRUNCATE);

    assertThat(Files.readAllBytes(backup)).isEqualTo(content);
    assertThat(live).isEmptyFile();
    assertThat(result)
        .isEqualTo(
            new MoveResult(
                LiveMoveMethod.COPY_TRUNCATE,
                content.length,
                content.length,
                Optional.empty(),
                Optional.empty()));
    assertThat(result.bytesKnownLost()).isZero();
  }

  @Test
  void anExistingBackupIsNeitherOverwrittenNorIsTheLiveFileTouched() throws IOException {
    byte[] content = numberedLines(1, 100);
    Path live = Files.write(tempDir.resolve("server.log"), content);
    Path backup = Files.writeString(tempDir.resolve("server.log.1"), "older rotation\n");

    assertThatThrownBy(() -> mover.move(live, backup, LiveMoveMethod.COPY_TRUNCATE))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessage(
            backup
                + ": backup already exists; compress or remove it before moving "
                + live
                + " aside again");
    assertThat(Files.readAllBytes(live)).isEqualTo(content);
    assertThat(backup).hasContent("older rotation");
  }

  @Test
  void aMissingLiveFileLeavesNoBackupBehind() {
    Path live = tempDir.resolve("server.log");
    Path backup = tempDir.resolve("server.log.1");

    assertThatThrownBy(() -> mover.move(live, backup, LiveMoveMethod.COLLAPSE))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> mover.move(live, backup, LiveMoveMethod.COPY_TRUNCATE))
        .isInstanceOf(NoSuchFileException.class);
    assertThat(backup).doesNotExist();
  }

  @Test
  void collapseCutsTheBlockAlignedPrefixAndKeepsTheRestInTheLiveFile() throws Exception {
    try (TestFileSystems.ScratchDir ext4 = TestFileSystems.collapsing(tempDir)) {
      long blockSize = Files.getFileStore(ext4.path()).getBlockSize();
      byte[] content = numberedLines(1, 1000); // about 30 KB: several blocks and a partial one
      assertThat(content.length % blockSize).as("content ends inside a block").isNotZero();
      Path live = Files.write(ext4.path().resolve("server.log"), content);
      Path backup = ext4.path().resolve("server.log.1");

      MoveResult result = mover.move(live, backup, LiveMoveMethod.COLLAPSE);

      int aligned = (int) ((content.length / blockSize) * blockSize);
      assertThat(content[aligned - 1]).as("the cut falls inside a line").isNotEqualTo((byte) '\n');
      int newline = aligned;
      while (content[newline] != '\n') {
        newline++;
      }
      int copied = newline + 1;
      assertThat(result)
          .isEqualTo(
              new MoveResult(
                  LiveMoveMethod.COLLAPSE, copied, copied, Optional.empty(), Optional.empty()));
      // The cut line is completed in the backup and blanked at the head of the live file, so
      // every line is whole in exactly one file.
      assertThat(Files.readAllBytes(backup)).isEqualTo(Arrays.copyOf(content, copied));
      byte[] rest = Arrays.copyOfRange(content, copied, content.length);
      assertThat(Files.readAllBytes(live))
          .isEqualTo(concat((" ".repeat(newline - aligned) + "\n").getBytes(), rest));
    }
  }

  @Test
  void collapseOfAWholeNumberOfBlocksKeepsTheLastBlockSinceTheRangeMayNotReachTheEnd()
      throws Exception {
    try (TestFileSystems.ScratchDir ext4 = TestFileSystems.collapsing(tempDir)) {
      int blockSize = (int) Files.getFileStore(ext4.path()).getBlockSize();
      byte[] content = "x".repeat(3 * blockSize).getBytes(StandardCharsets.US_ASCII);
      Path live = Files.write(ext4.path().resolve("server.log"), content);
      Path backup = ext4.path().resolve("server.log.1");

      MoveResult result = mover.move(live, backup, LiveMoveMethod.COLLAPSE);

      assertThat(result.methodUsed()).isEqualTo(LiveMoveMethod.COLLAPSE);
      assertThat(result.bytesCopied()).isEqualTo(2L * blockSize);
      assertThat(Files.size(live)).isEqualTo(blockSize);
    }
  }

  @Test
  void collapseOfOneBlockOrLessIsSkippedAndTouchesNothing() throws IOException {
    Path live = tempDir.resolve("server.log");
    int blockSize = (int) Files.getFileStore(tempDir).getBlockSize();
    byte[] content = "y".repeat(blockSize).getBytes(StandardCharsets.US_ASCII);
    Files.write(live, content);
    Path backup = tempDir.resolve("server.log.1");

    MoveResult result = mover.move(live, backup, LiveMoveMethod.COLLAPSE);

    assertThat(result.skipped()).isTrue();
    assertThat(result.skippedReason())
        .hasValue(
            "live file "
                + live
                + " holds "
                + blockSize
                + " bytes, not more than one "
                + blockSize
                + "-byte filesystem block, so there is nothing to collapse yet");
    assertThat(result.bytesCopied()).isZero();
    assertThat(backup).doesNotExist();
    assertThat(Files.readAllBytes(live)).isEqualTo(content);
  }

  @Test
  void collapseOnTmpfsFallsBackToCopyTruncateAndSaysWhy() throws Exception {
    try (TestFileSystems.ScratchDir tmpfs = TestFileSystems.nonCollapsing(tempDir)) {
      byte[] content = numberedLines(1, 1000);
      Path live = Files.write(tmpfs.path().resolve("server.log"), content);
      Path backup = tmpfs.path().resolve("server.log.1");

      MoveResult result = mover.move(live, backup, LiveMoveMethod.COLLAPSE);

      assertThat(result.fellBackToCopyTruncate()).isTrue();
      assertThat(result.methodUsed()).isEqualTo(LiveMoveMethod.COPY_TRUNCATE);
      assertThat(result.fallbackReason())
          .hasValue(
              "fallocate(FALLOC_FL_COLLAPSE_RANGE) failed with EOPNOTSUPP on the tmpfs filesystem"
                  + " holding "
                  + live
                  + "; collapsing needs ext4 or xfs");
      assertThat(Files.readAllBytes(backup)).isEqualTo(content);
      assertThat(live).isEmptyFile();
      assertThat(result.bytesCopied()).isEqualTo(content.length);
    }
  }

  static byte[] numberedLines(int first, int last) {
    StringBuilder text = new StringBuilder();
    for (int i = first; i <= last; i++) {
      text.append("{\"seq\":").append(i).append(",\"msg\":\"line ").append(i).append("\"}\n");
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
