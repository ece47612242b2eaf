package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.config.ConfigError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's size rule is the coordinator's (see the coordinator's ConfigLoaderTest): binary units
 * and bytes, a decimal unit refused with the same sentence.
 */
class SizeUnitRuleTest {
  /** The sentence the coordinator gives for growthBytesPerHour: 50MB, word for word. */
  static final String REFUSED_50MB =
      "\"50MB\" is not a size; write e.g. 50MiB (units: B, KiB, MiB, GiB, TiB, no space before the"
          + " unit; MB is refused because it is read both as a power of 1000 and of 1024)";

  @TempDir Path dir;

  @Test
  void decimalUnitIsRefusedWithTheBinaryUnitSuggested() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir, "files:\n  - path: /var/log/app.log\n    trigger: {maxSize: 50MB}\n");
    assertThat(error.keyPath()).isEqualTo("files[0].trigger.maxSize");
    assertThat(error.message()).isEqualTo(REFUSED_50MB);
  }

  @Test
  void binaryUnitsAndBytesAreAccepted() throws Exception {
    AgentConfig config =
        ConfigFiles.load(
            dir,
            "files:\n  - path: /var/log/app.log\n    trigger: {maxSize: 50MiB, minSize: 1000}\n");
    assertThat(config.files().get(0).trigger().maxSizeBytes()).hasValue(50L << 20);
    assertThat(config.files().get(0).trigger().minSizeBytes()).isEqualTo(1000);
  }
}
