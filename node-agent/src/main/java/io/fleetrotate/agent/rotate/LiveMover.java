package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.rotate.live.BackupWriter;
import io.fleetrotate.agent.rotate.live.FileHandle;
import io.fleetrotate.agent.rotate.live.NewFileAttributes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Copies a live log into its backup and cuts the copied bytes out of the live file. */
interface LiveMover {

  /** Runs between "the backup is durable" and "the live file is cut". */
  interface BeforeCut {
    void run(long bytesCopied) throws IOException;
  }

  /**
   * @param note set when the requested method was not possible and another was used instead, or why
   *     nothing was moved
   * @param skipped nothing was moved (the file was too small to collapse); no backup exists
   */
  record Moved(long bytesCopied, Optional<String> note, boolean skipped) {}

  /**
   * Moves the file {@code live} holds open aside to the new file {@code backup}, reaching the live
   * file only through {@code live}.
   */
  Moved move(
      FileHandle live,
      Path backup,
      RotationSpec.Move mode,
      NewFileAttributes backupAttributes,
      BeforeCut beforeCut)
      throws IOException;

  /**
   * As {@link #move}, into {@code backup}, which may already hold the start of the live file (a
   * compressed backup begun from a compress-ahead partial); closes it, and discards it when the
   * live file is unchanged.
   */
  Moved move(FileHandle live, BackupWriter backup, RotationSpec.Move mode, BeforeCut beforeCut)
      throws IOException;
}
