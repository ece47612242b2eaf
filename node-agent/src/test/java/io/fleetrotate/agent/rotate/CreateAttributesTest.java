package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.compress.ProgressListener;
import io.fleetrotate.agent.reopen.NoneReopener;
import io.fleetrotate.lock.Lease;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.Trigger;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files the agent creates get the owner and mode {@code create} asks for (each part not asked
 * for copies the log), set with fchown and fchmod on the new file's descriptor. Needs root, to give
 * files away.
 */
class CreateAttributesTest {

  private static final int NOBODY = 65534;
  private static final Lease LEASE = FenceFileTest.lease("g", 42);

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T02:00:00Z"), ZoneOffset.UTC);

  @BeforeEach
  void needsRoot() {
    if (!"root".equals(System.getProperty("user.name"))) {
      String why =
          "giving files to another owner needs root; the test runs as "
              + System.getProperty("user.name");
      System.out.println("[CreateAttributesTest] " + why);
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
  }

  private Path logs() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-x---"));
    return logs;
  }

  private RotationOutcome rotate(
      Path live, RotationSpec.Move move, RotationSpec.NewLiveFile create) {
    RotationSpec spec =
        new RotationSpec(
            live,
            "g",
            move,
            NoneReopener.INSTANCE,
            Optional.empty(),
            false,
            new BackupNaming(live, live.getParent(), "yyyyMMdd-HHmmss", ZoneOffset.UTC),
            RetentionPolicy.KEEP_ALL,
            false,
            Duration.ZERO,
            create);
    return new RotationEngine(
            dir.resolve("state/journal"), clock, new Compressor(), new LiveFileMoverAdapter())
        .rotate(spec, Trigger.MANUAL, LEASE, ProgressListener.NONE);
  }

  private static int uid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static int gid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aCopyTruncateBackupGetsTheConfiguredOwnerGroupAndMode() throws Exception {
    Path live = Files.writeString(logs().resolve("app.log"), "{\"seq\":1}\n".repeat(500));
    RotationSpec.NewLiveFile create =
        new RotationSpec.NewLiveFile(
            Optional.of(PosixFilePermissions.fromString("rw-r-----")),
            Optional.of(Integer.toString(NOBODY)),
            Optional.of(Integer.toString(NOBODY)));

    RotationOutcome o = rotate(live, RotationSpec.Move.COPYTRUNCATE, create);

    assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
    Path backup = o.backup().orElseThrow();
    assertThat(uid(backup)).isEqualTo(NOBODY);
    assertThat(gid(backup)).isEqualTo(NOBODY);
    assertThat(mode(backup)).isEqualTo("rw-r-----");
  }

  @Test
  void withoutCreateACopyTruncateBackupCopiesTheLogsOwnerAndMode() throws Exception {
    Path live = Files.writeString(logs().resolve("app.log"), "{\"seq\":1}\n".repeat(500));
    Files.setAttribute(live, "unix:uid", NOBODY);
    Files.setAttribute(live, "unix:gid", NOBODY);
    Files.setPosixFilePermissions(live, PosixFilePermissions.fromString("rw-------"));

    RotationOutcome o = rotate(live, RotationSpec.Move.COPYTRUNCATE, RotationSpec.NewLiveFile.NONE);

    assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
    Path backup = o.backup().orElseThrow();
    assertThat(uid(backup)).isEqualTo(NOBODY);
    assertThat(gid(backup)).isEqualTo(NOBODY);
    assertThat(mode(backup)).isEqualTo("rw-------");
  }

  @Test
  void afterARenameTheNewLiveFileGetsTheConfiguredOwnerAndTheRotatedFilesMode() throws Exception {
    Path live = Files.writeString(logs().resolve("app.log"), "{\"seq\":1}\n".repeat(500));
    Files.setPosixFilePermissions(live, PosixFilePermissions.fromString("rw-r-----"));
    RotationSpec.NewLiveFile create =
        new RotationSpec.NewLiveFile(
            Optional.empty(), Optional.of(Integer.toString(NOBODY)), Optional.empty());

    RotationOutcome o = rotate(live, RotationSpec.Move.RENAME, create);

    assertThat(o.result()).as(o.message()).isEqualTo(Result.SUCCESS);
    assertThat(live).isEmptyFile();
    assertThat(uid(live)).isEqualTo(NOBODY);
    assertThat(gid(live)).isEqualTo(0);
    assertThat(mode(live)).isEqualTo("rw-r-----");
  }

  @Test
  void anOwnerUnknownAtRotationTimeFailsBeforeTheLogIsTouched() throws Exception {
    String content = "{\"seq\":1}\n".repeat(500);
    Path live = Files.writeString(logs().resolve("app.log"), content);
    RotationSpec.NewLiveFile create =
        new RotationSpec.NewLiveFile(
            Optional.empty(), Optional.of("no-such-user-fleetrotate"), Optional.empty());

    RotationOutcome o = rotate(live, RotationSpec.Move.COPYTRUNCATE, create);

    assertThat(o.result()).isEqualTo(Result.FAILED);
    assertThat(o.message())
        .isEqualTo(
            "create.owner \"no-such-user-fleetrotate\" is not a user on this host; create it or"
                + " write an existing name or numeric id");
    assertThat(Files.readString(live)).isEqualTo(content);
  }
}
