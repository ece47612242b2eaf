package io.fleetrotate.agent.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports the logrotate files of the machine the tests run on, as packages installed them, and
 * validates the result. Prints what it found either way; on CI (CI=true) a directory that exists
 * but cannot be read fails the test.
 */
class HostLogrotateImportTest {
  private static final Path LOGROTATE_D = Path.of("/etc/logrotate.d");

  @TempDir Path dir;

  @Test
  void everyFileInEtcLogrotateDImportsIntoAConfigurationTheAgentAccepts() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!Files.exists(LOGROTATE_D)) {
      String why = LOGROTATE_D + " does not exist on this machine (logrotate is not installed)";
      assertThat(ci).as(why + "; .ci/run installs it").isFalse();
      System.out.println(why + "; skipped (not on CI)");
      return;
    }
    if (!Files.isReadable(LOGROTATE_D)) {
      String why = LOGROTATE_D + " exists but cannot be read by this user";
      assertThat(ci).as(why).isFalse();
      System.out.println(why + "; skipped (not on CI)");
      return;
    }
    try (Stream<Path> files = Files.list(LOGROTATE_D)) {
      System.out.println(
          LOGROTATE_D + " holds: " + files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    LogrotateImport.Result result;
    try {
      result = LogrotateImport.run(java.util.List.of(LOGROTATE_D));
    } catch (UnreadableInputException e) {
      assertThat(ci).as(e.getMessage()).isFalse();
      System.out.println("not imported: " + e.getMessage());
      return;
    }
    System.out.println(
        "imported "
            + result.entries()
            + " file entries, "
            + result.warnings().size()
            + " warnings:");
    result.warnings().forEach(w -> System.out.println("  " + w));
    assertThat(result.entries()).isPositive();
    Imports.validate(dir, result.yaml());
  }
}
