package io.fleetrotate.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineAuditTest {
  @TempDir Path dir;

  @Test
  void onlyWholeRecordsCount() {
    assertThat(LineAudit.seqOf("{\"ts\":\"x\",\"seq\":1761,\"level\":\"INFO\"}")).isEqualTo(1761);
    assertThat(LineAudit.seqOf("{\"seq\": 5}")).isEqualTo(5);
    // Cut by a full disk: the digits or the rest of the record are missing.
    assertThat(LineAudit.seqOf("{\"ts\":\"2026-11-21T12:36:47Z\",\"seq\":17")).isEqualTo(-1);
    assertThat(LineAudit.seqOf("{\"ts\":\"x\",\"seq\":1761,\"level\":\"IN")).isEqualTo(-1);
    assertThat(LineAudit.seqOf("no record")).isEqualTo(-1);
  }

  @Test
  void aCutLineIsNeitherFoundNorADuplicate() throws Exception {
    Path log = dir.resolve("server.log");
    Path backup = dir.resolve("server.log.1");
    // Line 17 is whole in the backup; a later line (1761) was cut to look like "seq":17.
    Files.write(backup, List.of("{\"seq\":16,\"m\":\"a\"}", "{\"seq\":17,\"m\":\"b\"}"));
    Files.write(log, List.of("{\"ts\":\"t\",\"seq\":17", "{\"seq\":18,\"m\":\"c\"}"));

    LineAudit a = LineAudit.of(List.of(backup, log), 18);

    assertThat(a.duplicated()).isZero();
    assertThat(a.missing()).isEqualTo(15); // 1..15 were never written here
  }
}
