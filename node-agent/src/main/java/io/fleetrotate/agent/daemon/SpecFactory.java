package io.fleetrotate.agent.daemon;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.config.CompressConfig;
import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.agent.config.NodeConfig;
import io.fleetrotate.agent.config.ReopenConfig;
import io.fleetrotate.agent.reopen.CommandReopener;
import io.fleetrotate.agent.reopen.HttpReopener;
import io.fleetrotate.agent.reopen.NoneReopener;
import io.fleetrotate.agent.reopen.Reopener;
import io.fleetrotate.agent.reopen.SignalReopener;
import io.fleetrotate.agent.rotate.BackupNaming;
import io.fleetrotate.agent.rotate.RetentionPolicy;
import io.fleetrotate.agent.rotate.RotationSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;

/** Resolves a configuration entry and one of its live files into what the engine needs. */
final class SpecFactory {
  static final Duration WRITER_GRACE = Duration.ofSeconds(5);

  private SpecFactory() {}

  static RotationSpec spec(FileConfig entry, Path live, NodeConfig node, ZoneId zone) {
    RotationSpec.Move move;
    Reopener reopener;
    ReopenConfig r = entry.reopen();
    if (r instanceof ReopenConfig.Signal s) {
      move = RotationSpec.Move.RENAME;
      reopener = new SignalReopener(s.signal(), s.pid(), s.pidFile(), live);
    } else if (r instanceof ReopenConfig.Http h) {
      move = RotationSpec.Move.RENAME;
      reopener = new HttpReopener(h.url(), h.httpMethod(), h.timeout());
    } else if (r instanceof ReopenConfig.Command c) {
      move = RotationSpec.Move.RENAME;
      reopener = new CommandReopener(c.argv(), c.timeout());
    } else if (r instanceof ReopenConfig.Collapse) {
      move = RotationSpec.Move.COLLAPSE;
      reopener = NoneReopener.INSTANCE;
    } else if (r instanceof ReopenConfig.CopyTruncate) {
      move = RotationSpec.Move.COPYTRUNCATE;
      reopener = NoneReopener.INSTANCE;
    } else {
      move = RotationSpec.Move.RENAME;
      reopener = NoneReopener.INSTANCE;
    }
    Path backupDir = entry.backup().dir().orElse(live.getParent());
    return new RotationSpec(
        live,
        entry.effectiveGroup(node),
        move,
        reopener,
        compression(entry.compress()),
        entry.compress().delay(),
        new BackupNaming(live, backupDir, entry.backup().dateFormat(), zone),
        new RetentionPolicy(
            entry.retention().keep(),
            entry.retention().maxAge(),
            entry.retention().maxTotalSizeBytes()),
        entry.allowWorldWritable(),
        WRITER_GRACE,
        new RotationSpec.NewLiveFile(
            entry.create().permissions(), entry.create().owner(), entry.create().group()));
  }

  static Optional<CompressionRequest> compression(CompressConfig c) {
    if (c.codec() == Codec.NONE) {
      return Optional.empty();
    }
    return Optional.of(
        new CompressionRequest(c.codec(), c.level(), c.maxBytesPerSecond().orElse(0)));
  }
}
