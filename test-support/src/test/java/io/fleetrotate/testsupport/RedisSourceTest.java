package io.fleetrotate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.testsupport.RealRedis.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** Where the server comes from, with Docker switched off so the outcome is the same everywhere. */
class RedisSourceTest {
  private static final Supplier<Path> NO_EMBEDDED_BINARY =
      () -> {
        throw new RedisUnavailableException("the embedded-redis jar has none for this test");
      };

  @TempDir Path binDir;

  @Test
  void pathBinaryIsPreferredOverEmbeddedWhenPresent() throws IOException {
    // A redis-server of our own on the search path, so the test does not depend on the machine.
    Path onPath =
        Files.copy(
            EmbeddedRedisBinary.extract(),
            binDir.resolve("redis-server"),
            StandardCopyOption.COPY_ATTRIBUTES);
    RedisLauncher launcher = automatic(List.of(binDir), EmbeddedRedisBinary::extract);

    RealRedis redis = launcher.start();
    try (RedisClientForTests client = RedisClientForTests.connect(redis)) {
      assertThat(redis.source()).isEqualTo(Source.PATH);
      assertThat(client.sync().info("server")).contains("executable:" + onPath);
    } finally {
      redis.stop();
    }
  }

  @Test
  void embeddedBinaryIsUsedWhenNoRedisServerIsOnPath() {
    RedisLauncher launcher = automatic(List.of(binDir), EmbeddedRedisBinary::extract);

    RealRedis redis = launcher.start();
    try (RedisClientForTests client = RedisClientForTests.connect(redis)) {
      assertThat(redis.source()).isEqualTo(Source.EMBEDDED);
      assertThat(client.sync().ping()).isEqualTo("PONG");
    } finally {
      redis.stop();
    }
  }

  @Test
  void missingRedisProducesAHelpfulError() {
    RedisLauncher launcher =
        new RedisLauncher(
            Optional.of(Source.PATH),
            "FLEETROTATE_TEST_REDIS=path",
            List.of(),
            () -> false,
            EmbeddedRedisBinary::extract);

    assertThatThrownBy(launcher::start)
        .isInstanceOf(RedisUnavailableException.class)
        .isNotInstanceOf(TestAbortedException.class)
        .hasMessageContaining("FLEETROTATE_TEST_REDIS=path requires redis-server on PATH")
        .hasMessageContaining("apt-get install redis-server")
        .hasMessageContaining("set FLEETROTATE_TEST_REDIS to docker or embedded");
  }

  @Test
  void noRedisAnywhereProducesAHelpfulError() {
    RedisLauncher launcher = automatic(List.of(binDir), NO_EMBEDDED_BINARY);

    assertThatThrownBy(launcher::start)
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageStartingWith("No Redis for tests: ")
        .hasMessageContaining("no executable redis-server is in " + binDir)
        .hasMessageContaining("the embedded-redis jar has none for this test")
        .hasMessageContaining("apt-get install redis-server")
        .hasMessageContaining("start a Docker engine")
        .hasMessageContaining("FLEETROTATE_TEST_REDIS");
  }

  @Test
  void dockerRequiredWithoutAnEngineFailsClearly() {
    RedisLauncher launcher =
        new RedisLauncher(
            Optional.of(Source.DOCKER),
            "FLEETROTATE_TEST_REDIS=docker",
            List.of(),
            () -> false,
            NO_EMBEDDED_BINARY);

    assertThatThrownBy(launcher::start)
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("FLEETROTATE_TEST_REDIS=docker requires Docker")
        .hasMessageContaining("start a Docker engine")
        .hasMessageContaining("set FLEETROTATE_TEST_REDIS to embedded or path");
  }

  @Test
  void aSourceForcedInCodeFailsWithAdviceForTheTestAuthor() {
    RedisLauncher launcher =
        new RedisLauncher(
            Optional.of(Source.EMBEDDED),
            "RedisExtension.forcing(EMBEDDED)",
            List.of(),
            () -> false,
            NO_EMBEDDED_BINARY);

    assertThatThrownBy(launcher::start)
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("RedisExtension.forcing(EMBEDDED) requires the embedded-redis binary")
        .hasMessageContaining("apt-get install redis-server")
        .hasMessageContaining("drop the forced source so that FLEETROTATE_TEST_REDIS");
  }

  @Test
  void aRedisServerThatCannotStartFailsWithTheEndOfItsLog() throws IOException {
    Path broken = binDir.resolve("redis-server");
    Files.writeString(broken, "#!/bin/sh\necho 'FATAL: this redis-server is broken'\nexit 1\n");
    Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));
    RedisLauncher launcher = automatic(List.of(binDir), NO_EMBEDDED_BINARY);

    assertThatThrownBy(launcher::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited while starting")
        .hasMessageContaining("FATAL: this redis-server is broken");
  }

  @Test
  void aRedisServerThatIsNotExecutableIsPassedOver() throws IOException {
    Files.writeString(binDir.resolve("redis-server"), "not a program");
    Path second = Files.createDirectory(binDir.resolve("second"));
    Path executable =
        Files.copy(
            EmbeddedRedisBinary.extract(),
            second.resolve("redis-server"),
            StandardCopyOption.COPY_ATTRIBUTES);

    assertThat(automatic(List.of(binDir, second), NO_EMBEDDED_BINARY).findOnPath())
        .contains(executable);
  }

  @Test
  void searchPathIsThePathVariableThenTheStandardDirectories() {
    assertThat(RedisLauncher.searchDirectories("/opt/redis/bin::/usr/bin:/home/me/bin"))
        .containsExactly(
            Path.of("/opt/redis/bin"),
            Path.of("/usr/bin"),
            Path.of("/home/me/bin"),
            Path.of("/usr/local/bin"),
            Path.of("/usr/sbin"));
    assertThat(RedisLauncher.searchDirectories(null))
        .containsExactly(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin"));
  }

  @Test
  void sourceVariableAsASystemPropertyRequiresThatSource() {
    String previous = System.setProperty(RedisLauncher.SOURCE_VARIABLE, "embedded");
    try {
      RealRedis redis = RedisLauncher.fromEnvironment().start();
      try {
        assertThat(redis.source()).isEqualTo(Source.EMBEDDED);
        assertThat(RespPing.ping(redis.host(), redis.port())).isEqualTo("+PONG");
      } finally {
        redis.stop();
      }
    } finally {
      if (previous == null) {
        System.clearProperty(RedisLauncher.SOURCE_VARIABLE);
      } else {
        System.setProperty(RedisLauncher.SOURCE_VARIABLE, previous);
      }
    }
  }

  @Test
  void sourceVariableAcceptsTheThreeSourceNamesInAnyCase() {
    assertThat(RedisLauncher.parseSource(" Docker ")).contains(Source.DOCKER);
    assertThat(RedisLauncher.parseSource("path")).contains(Source.PATH);
    assertThat(RedisLauncher.parseSource("EMBEDDED")).contains(Source.EMBEDDED);
    assertThat(RedisLauncher.parseSource("")).isEmpty();
    assertThat(RedisLauncher.parseSource(null)).isEmpty();
  }

  @Test
  void unknownSourceNameIsRejectedWithTheAllowedValues() {
    assertThatThrownBy(() -> RedisLauncher.parseSource("podman"))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessage(
            "FLEETROTATE_TEST_REDIS is 'podman', which is not a Redis source; set it to docker,"
                + " path or embedded, or unset it to choose automatically.");
  }

  private static RedisLauncher automatic(List<Path> searchDirectories, Supplier<Path> embedded) {
    return new RedisLauncher(Optional.empty(), "", searchDirectories, () -> false, embedded);
  }
}
