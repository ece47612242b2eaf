package io.fleetrotate.agent.rotate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupNamingTest {

  @TempDir Path dir;

  private BackupNaming naming() {
    return new BackupNaming(dir.resolve("server.log"), dir, "yyyyMMdd-HHmmss", ZoneOffset.UTC);
  }

  @Test
  void newBackupIsNamedAfterTheLogAndTheRotationTime() throws Exception {
    Path b = naming().newBackup(Instant.parse("2026-11-21T02:00:00Z"));
    assertThat(b).isEqualTo(dir.resolve("server.log.20261121-020000"));
  }

  @Test
  void aCollisionWithAnyCodecExtensionGetsASequenceNumber() throws Exception {
    Instant at = Instant.parse("2026-11-21T02:00:00Z");
    Files.writeString(dir.resolve("server.log.20261121-020000.zst"), "x");
    Files.writeString(dir.resolve("server.log.20261121-020000.1"), "x");
    assertThat(naming().newBackup(at)).isEqualTo(dir.resolve("server.log.20261121-020000.2"));
  }

  @Test
  void listFindsOnlyExactBackupsOldestFirst() throws Exception {
    Files.writeString(dir.resolve("server.log"), "live");
    Files.writeString(dir.resolve("server.log.20261121-020000.zst"), "b2");
    Files.writeString(dir.resolve("server.log.20261120-020000.gz"), "b1");
    Files.writeString(dir.resolve("server.log.20261121-020000.1"), "b3");
    Files.writeString(dir.resolve("server.log.bak"), "not ours");
    Files.writeString(dir.resolve("server.log.2026112-020000"), "not ours: bad date");
    Files.writeString(dir.resolve("server.log.20261121-020000.zst.tmp"), "not ours: temp");
    Files.writeString(dir.resolve("server.log.20261121-020000.01"), "not ours: padded seq");
    Files.writeString(dir.resolve("other.log.20261121-020000"), "other log");

    assertThat(naming().list())
        .extracting(b -> b.path().getFileName().toString())
        .containsExactly(
            "server.log.20261120-020000.gz",
            "server.log.20261121-020000.zst",
            "server.log.20261121-020000.1");
  }

  @Test
  void symbolicLinksAreNeverBackups() throws Exception {
    Path target = Files.writeString(dir.resolve("elsewhere"), "secret");
    Files.createSymbolicLink(dir.resolve("server.log.20261121-020000"), target);
    assertThat(naming().list()).isEmpty();
  }

  @Test
  void parseReadsStampSequenceAndExtension() {
    Backup b = naming().parse(dir.resolve("server.log.20261121-020000.3.gz"), 42).orElseThrow();
    assertThat(b.stamp()).isEqualTo(Instant.parse("2026-11-21T02:00:00Z"));
    assertThat(b.sequence()).isEqualTo(3);
    assertThat(b.extension()).isEqualTo(".gz");
    assertThat(b.compressed()).isTrue();
    assertThat(b.sizeBytes()).isEqualTo(42);
  }

  @Test
  void aDateOnlyPatternStillRoundTrips() throws Exception {
    BackupNaming daily =
        new BackupNaming(dir.resolve("server.log"), dir, "yyyy-MM-dd", ZoneOffset.UTC);
    Path b = daily.newBackup(Instant.parse("2026-11-21T02:00:00Z"));
    assertThat(b.getFileName().toString()).isEqualTo("server.log.2026-11-21");
    assertThat(daily.parse(b, 0)).isPresent();
  }

  @Test
  void tempFileIsHiddenBesideTheTarget() {
    Path t = BackupNaming.tempFor(dir.resolve("server.log.20261121-020000.zst"));
    assertThat(t).isEqualTo(dir.resolve(".server.log.20261121-020000.zst.tmp"));
  }

  @Test
  void eachRotationCompressesIntoItsOwnTempFile() {
    Path target = dir.resolve("server.log.20261121-020000.zst");
    Path a = BackupNaming.tempFor(target, "0f1e2d3c-aaaa-bbbb-cccc-000000000001");
    Path b = BackupNaming.tempFor(target, "9a8b7c6d-aaaa-bbbb-cccc-000000000002");
    assertThat(a).isEqualTo(dir.resolve(".server.log.20261121-020000.zst.0f1e2d3c.tmp"));
    assertThat(a).isNotEqualTo(b);
    assertThat(a.getFileName().toString()).startsWith(".").endsWith(".tmp");
  }
}
