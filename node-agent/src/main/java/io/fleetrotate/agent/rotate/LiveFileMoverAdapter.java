package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.rotate.live.BackupWriter;
import io.fleetrotate.agent.rotate.live.FileHandle;
import io.fleetrotate.agent.rotate.live.LiveFileMover;
import io.fleetrotate.agent.rotate.live.LiveMoveMethod;
import io.fleetrotate.agent.rotate.live.MoveResult;
import io.fleetrotate.agent.rotate.live.NewFileAttributes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** The engine's view of {@link LiveFileMover}. */
final class LiveFileMoverAdapter implements LiveMover {
  private final LiveFileMover mover = new LiveFileMover();

  @Override
  public Moved move(
      FileHandle live,
      Path backup,
      RotationSpec.Move mode,
      NewFileAttributes backupAttributes,
      BeforeCut beforeCut)
      throws IOException {
    return moved(mover.move(live, backup, method(mode), backupAttributes, beforeCut::run));
  }

  @Override
  public Moved move(
      FileHandle live, BackupWriter backup, RotationSpec.Move mode, BeforeCut beforeCut)
      throws IOException {
    return moved(mover.move(live, backup, method(mode), beforeCut::run));
  }

  private static LiveMoveMethod method(RotationSpec.Move mode) {
    return switch (mode) {
      case COPYTRUNCATE -> LiveMoveMethod.COPY_TRUNCATE;
      case COLLAPSE -> LiveMoveMethod.COLLAPSE;
      case RENAME -> throw new IllegalArgumentException("a rename is not a live move");
    };
  }

  private static Moved moved(MoveResult r) {
    if (r.skipped()) {
      return new Moved(0, r.skippedReason(), true);
    }
    Optional<String> note =
        r.fallbackReason().map(why -> "collapse not possible, used copytruncate: " + why);
    return new Moved(r.bytesCopied(), note, false);
  }
}
