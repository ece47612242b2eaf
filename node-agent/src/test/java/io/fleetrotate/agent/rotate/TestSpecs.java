package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.reopen.NoneReopener;
import io.fleetrotate.lock.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;

/** Rotation specs and a lease for engine tests that need nothing special of either. */
final class TestSpecs {
  private TestSpecs() {}

  /** Group g, token 7, never lost. */
  static final Lease LEASE =
      new Lease() {
        @Override
        public String group() {
          return "g";
        }

        @Override
        public long fencingToken() {
          return 7;
        }

        @Override
        public void checkValid() {}

        @Override
        public void close() {}
      };

  /** zstd 3, backups beside the log, kept forever, no reopen. */
  static RotationSpec zstd(Path live, RotationSpec.Move move) {
    return compressed(live, move, CompressionRequest.zstd(3));
  }

  /** As {@link #zstd}, compressed as {@code request} asks. */
  static RotationSpec compressed(Path live, RotationSpec.Move move, CompressionRequest request) {
    return new RotationSpec(
        live,
        "g",
        move,
        NoneReopener.INSTANCE,
        Optional.of(request),
        false,
        new BackupNaming(live, live.getParent(), "yyyyMMdd-HHmmss", ZoneOffset.UTC),
        RetentionPolicy.KEEP_ALL,
        false,
        Duration.ofSeconds(2),
        RotationSpec.NewLiveFile.NONE);
  }
}
