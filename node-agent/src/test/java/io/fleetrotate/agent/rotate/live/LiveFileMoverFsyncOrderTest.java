package io.fleetrotate.agent.rotate.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.agent.os.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup is fsynced with every byte it will hold before the live file changes, and a writer
 * appending while the fsync runs is caught up with. An fsync hook plays the writer, so the
 * interleaving is exact rather than left to timing.
 */
class LiveFileMoverFsyncOrderTest {

  private static final byte[] LATE_LINE =
      "{\"seq\":999,\"msg\":\"written during the fsync\"}\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path tempDir;

  /** What the backup and the live file held when the backup was fsynced. */
  record SyncSeen(long backupBytes, long liveBytes) {}

  @Test
  void copyTruncateFsyncsTheBulkWhileTheLiveFileIsWholeAndTheTailRightAfterTheCut()
      throws IOException {
    byte[] content = LiveFileMoverTest.numberedLines(1, 2000);
    Path live = Files.write(tempDir.resolve("server.log"), content);
    List<SyncSeen> syncs = new ArrayList<>();
    LiveFileMover mover =
        new LiveFileMover(
            new Durable(
                (backup, bytes) -> {
                  bytes.sync();
                  syncs.add(new SyncSeen(Files.size(backup), Files.size(live)));
                }));

    MoveResult result =
        mover.move(live, tempDir.resolve("server.log.1"), LiveMoveMethod.COPY_TRUNCATE);

    assertThat(syncs).hasSizeGreaterThanOrEqualTo(2);
    assertThat(syncs.get(0)).isEqualTo(new SyncSeen(content.length, content.length));
    assertThat(syncs.get(syncs.size() - 1)).isEqualTo(new SyncSeen(result.bytesCopied(), 0));
    assertThat(live).isEmptyFile();
  }

  @Test
  void collapseFsyncsTheWholePrefixBeforeCuttingIt() throws Exception {
    try (TestFileSystems.ScratchDir ext4 = TestFileSystems.collapsing(tempDir)) {
      byte[] content = LiveFileMoverTest.numberedLines(1, 2000);
      Path live = Files.write(ext4.path().resolve("server.log"), content);
      List<SyncSeen> syncs = new ArrayList<>();
      LiveFileMover mover =
          new LiveFileMover(
              new Durable(
                  (backup, bytes) -> {
                    bytes.sync();
                    syncs.add(new SyncSeen(Files.size(backup), Files.size(live)));
                  }));

      MoveResult result =
          mover.move(live, ext4.path().resolve("server.log.1"), LiveMoveMethod.COLLAPSE);

      long aligned =
          LiveFileMover.collapsibleLength(content.length, Files.getFileStore(live).getBlockSize());
      assertThat(result.methodUsed()).isEqualTo(LiveMoveMethod.COLLAPSE);
      // The aligned prefix is durable before the cut; the completed cut line right after it.
      assertThat(syncs.get(0)).isEqualTo(new SyncSeen(aligned, content.length));
      assertThat(syncs.get(syncs.size() - 1).backupBytes()).isEqualTo(result.bytesCopied());
      assertThat(Files.size(live)).isEqualTo(content.length - aligned);
    }
  }

  @Test
  void beforeCutRunsAfterTheBackupIsDurableAndBeforeTheLiveFileIsCut() throws IOException {
    byte[] content = LiveFileMoverTest.numberedLines(1, 2000);
    Path live = Files.write(tempDir.resolve("server.log"), content);
    List<String> steps = new ArrayList<>();
    LiveFileMover mover =
        new LiveFileMover(
            new Durable(
                (backup, bytes) -> {
                  bytes.sync();
                  steps.add("fsync " + Files.size(backup));
                }));

    mover.move(
        live,
        tempDir.resolve("server.log.1"),
        LiveMoveMethod.COPY_TRUNCATE,
        copied -> steps.add("beforeCut " + copied + ", live holds " + Files.size(live)));

    assertThat(steps)
        .startsWith(
            "fsync " + content.length,
            "beforeCut " + content.length + ", live holds " + content.length);
    assertThat(live).isEmptyFile();
  }

  @Test
  void aFailingBeforeCutLeavesTheLiveFileWholeAndNoBackup() throws IOException {
    byte[] content = LiveFileMoverTest.numberedLines(1, 2000);
    Path live = Files.write(tempDir.resolve("server.log"), content);
    Path backup = tempDir.resolve("server.log.1");

    assertThatThrownBy(
            () ->
                new LiveFileMover()
                    .move(
                        live,
                        backup,
                        LiveMoveMethod.COPY_TRUNCATE,
                        copied -> {
                          throw new IOException("journal disk full");
                        }))
        .hasMessage("journal disk full");
    assertThat(Files.readAllBytes(live)).isEqualTo(content);
    assertThat(backup).doesNotExist();
  }

  @Test
  void linesAppendedWhileTheBulkIsFsyncedAreCopiedBeforeTheTruncate() throws IOException {
    byte[] content = LiveFileMoverTest.numberedLines(1, 2000);
    Path live = Files.write(tempDir.resolve("server.log"), content);
    Path backup = tempDir.resolve("server.log.1");
    int[] syncCount = {0};
    LiveFileMover mover =
        new LiveFileMover(
            new Durable(
                (channel, bytes) -> {
                  bytes.sync();
                  if (syncCount[0]++ == 0) {
                    Files.write(live, LATE_LINE, StandardOpenOption.APPEND);
                  }
                }));

    MoveResult result = mover.move(live, backup, LiveMoveMethod.COPY_TRUNCATE);

    assertThat(Files.readString(backup, StandardCharsets.US_ASCII))
        .isEqualTo(
            new String(content, StandardCharsets.US_ASCII)
                + new String(LATE_LINE, StandardCharsets.US_ASCII));
    assertThat(result.bytesKnownLost()).isZero();
    assertThat(live).isEmptyFile();
  }

  @Test
  void aWriterAppendingDuringEveryFsyncLosesNothingSinceTheTailIsSyncedAfterTheCut()
      throws IOException {
    byte[] content = LiveFileMoverTest.numberedLines(1, 2000);
    Path live = Files.write(tempDir.resolve("server.log"), content);
    Path backup = tempDir.resolve("server.log.1");
    LiveFileMover mover =
        new LiveFileMover(
            new Durable(
                (channel, bytes) -> {
                  bytes.sync();
                  Files.write(live, LATE_LINE, StandardOpenOption.APPEND);
                }));

    MoveResult result = mover.move(live, backup, LiveMoveMethod.COPY_TRUNCATE);

    // The line appended during the bulk fsync is copied before the cut; the one appended during
    // the fsync after the cut stays in the live file.
    assertThat(result.bytesCopied()).isEqualTo(content.length + (long) LATE_LINE.length);
    assertThat(result.bytesKnownLost()).isZero();
    assertThat(Files.size(backup)).isEqualTo(result.bytesCopied());
    assertThat(Files.readAllBytes(live)).isEqualTo(LATE_LINE);
  }
}
