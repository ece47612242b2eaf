package io.fleetrotate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.testsupport.RealRedis.Source;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The child-process server itself: no redis-server is left behind, whatever happens. */
class RedisProcessTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private Process childJvm;

  @AfterEach
  void killChildJvm() {
    if (childJvm != null) {
      childJvm.destroyForcibly();
    }
  }

  @Test
  void noChildProcessSurvivesStop() {
    RedisProcess redis = RedisProcess.start(binary(), Source.PATH);
    long pid = redis.pid().orElseThrow();
    assertThat(childrenMentioning(pid)).as("server and its watchdog").isEqualTo(2);

    redis.stop();

    assertThat(isGone(pid)).isTrue();
    assertThat(childrenMentioning(pid)).isZero();
    assertThat(redis.pid()).isEmpty();
    assertThat(redis.isRunning()).isFalse();
    assertThat(RespPing.ping(redis.host(), redis.port())).isEmpty();
  }

  @Test
  void stopAlsoEndsAPausedServer() {
    RedisProcess redis = RedisProcess.start(binary(), Source.PATH);
    long pid = redis.pid().orElseThrow();
    redis.pause();

    redis.stop();

    assertThat(isGone(pid)).isTrue();
  }

  @Test
  void noServerOutlivesAJvmThatExits() throws Exception {
    String[] pidAndPort = startServerInChildJvm();
    long pid = Long.parseLong(pidAndPort[0]);

    try (OutputStream stdin = childJvm.getOutputStream()) {
      stdin.write('\n');
    }
    assertThat(childJvm.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    assertThat(Polling.until(DEADLINE, () -> isGone(pid))).as("redis-server %d gone", pid).isTrue();
  }

  @Test
  void noServerOutlivesAJvmKilledWithSigkill() throws Exception {
    String[] pidAndPort = startServerInChildJvm();
    long pid = Long.parseLong(pidAndPort[0]);
    int port = Integer.parseInt(pidAndPort[1]);
    assertThat(RespPing.ping("127.0.0.1", port)).isEqualTo("+PONG");

    childJvm.destroyForcibly(); // no shutdown hooks run
    assertThat(childJvm.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    assertThat(Polling.until(DEADLINE, () -> isGone(pid))).as("redis-server %d gone", pid).isTrue();
    assertThat(RespPing.ping("127.0.0.1", port)).isEmpty();
  }

  @Test
  void restartAfterStopIsRefused() {
    RedisProcess redis = RedisProcess.start(binary(), Source.PATH);
    redis.stop();

    assertThatThrownBy(redis::restart)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Redis on port " + redis.port() + " was stopped for good; start a new one instead.");
  }

  @Test
  void pausingAKilledServerIsRefused() {
    RedisProcess redis = RedisProcess.start(binary(), Source.PATH);
    try {
      redis.kill();

      assertThatThrownBy(redis::pause)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Cannot pause Redis on port " + redis.port() + ": it is not running.");
    } finally {
      redis.stop();
    }
  }

  @Test
  void restartingARunningServerReplacesItOnTheSamePort() {
    RedisProcess redis = RedisProcess.start(binary(), Source.PATH);
    try {
      long before = redis.pid().orElseThrow();

      redis.restart();

      assertThat(redis.pid()).isPresent().isNotEqualTo(before);
      assertThat(isGone(before)).isTrue();
      assertThat(RespPing.ping(redis.host(), redis.port())).isEqualTo("+PONG");
    } finally {
      redis.stop();
    }
  }

  @Test
  void restartOntoAPortTakenMeanwhileFailsClearly() throws IOException {
    RedisProcess redis = RedisProcess.start(binary(), Source.PATH);
    try {
      redis.kill();
      try (ServerSocket squatter = new ServerSocket()) {
        squatter.bind(new InetSocketAddress(redis.host(), redis.port()));

        assertThatThrownBy(redis::restart)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith(
                "Redis cannot restart on port "
                    + redis.port()
                    + " because another process took the port while it was down")
            .cause()
            .hasMessageContaining("Address already in use");
      }
    } finally {
      redis.stop();
    }
  }

  private String[] startServerInChildJvm() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    childJvm =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RedisInAChildJvm.class.getName(),
                binary().toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader stdout =
        new BufferedReader(
            new InputStreamReader(childJvm.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(30, TimeUnit.SECONDS);
    assertThat(line).as("the child JVM's 'pid port' line").matches("\\d+ \\d+");
    return line.split(" ");
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Prefers the machine's redis-server; the embedded one keeps the test independent of it. */
  private static Path binary() {
    return RedisLauncher.fromEnvironment().findOnPath().orElseGet(EmbeddedRedisBinary::extract);
  }

  /** Child processes of this JVM whose command line names the pid: the server or its watchdog. */
  private static long childrenMentioning(long pid) {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(
            child ->
                child.pid() == pid
                    || child
                        .info()
                        .commandLine()
                        .orElse("")
                        .matches(".*fleetrotate-redis-watchdog " + pid))
        .count();
  }

  /** Gone, or a zombie that only waits for init to reap it. */
  private static boolean isGone(long pid) {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
      } catch (IOException e) {
        return true;
      }
    }
    return true;
  }
}
