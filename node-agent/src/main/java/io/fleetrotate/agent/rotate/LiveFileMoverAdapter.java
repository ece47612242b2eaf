package io.fleetrotate.agent.rotate;

import java.io.IOException;
import java.nio.file.Path;

/** Placeholder until the live-file mover lands. */
final class LiveFileMoverAdapter implements LiveMover {
  @Override
  public Moved move(Path live, Path backup, RotationSpec.Move mode, BeforeCut beforeCut)
      throws IOException {
    throw new IOException("copytruncate and collapse are not wired yet");
  }
}
