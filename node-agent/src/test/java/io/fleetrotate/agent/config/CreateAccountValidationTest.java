package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.config.ConfigError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code create.owner} and {@code create.group} are looked up when the configuration is read, so an
 * unknown one is a validation error (one sentence) instead of a failure after a rename.
 */
class CreateAccountValidationTest {

  @TempDir Path dir;

  @Test
  void anUnknownOwnerIsAValidationError() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir, ConfigFiles.ONE_FILE + "    create: { owner: no-such-user-fleetrotate }\n");

    assertThat(error.keyPath()).isEqualTo("files[0].create.owner");
    assertThat(error.message())
        .isEqualTo(
            "\"no-such-user-fleetrotate\" is not a user on this host; create the user, or write"
                + " an existing user name or a numeric uid");
  }

  @Test
  void anUnknownGroupIsAValidationError() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir, ConfigFiles.ONE_FILE + "    create: { group: no-such-group-fleetrotate }\n");

    assertThat(error.keyPath()).isEqualTo("files[0].create.group");
    assertThat(error.message()).startsWith("\"no-such-group-fleetrotate\" is not a group");
  }

  @Test
  void existingNamesAndNumericIdsAreAccepted() throws Exception {
    AgentConfig c =
        ConfigFiles.load(
            dir, ConfigFiles.ONE_FILE + "    create: { owner: root, group: \"65534\" }\n");

    assertThat(c.files().get(0).create().owner()).contains("root");
    assertThat(Accounts.HOST.uid("root")).hasValue(0);
    assertThat(Accounts.HOST.gid("root")).hasValue(0);
    assertThat(Accounts.HOST.uid("4000000000")).hasValue((int) 4000000000L);
    assertThat(Accounts.HOST.uid("4294967295")).isEmpty();
  }
}
