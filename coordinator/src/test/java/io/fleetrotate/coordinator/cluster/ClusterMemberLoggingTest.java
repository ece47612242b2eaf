package io.fleetrotate.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.coordinator.config.CoordinatorConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's Hazelcast member logs through slf4j, so its lines are JSON like the
 * coordinator's own, and nothing goes through java.util.logging. Setting {@code
 * hazelcast.logging.type} in the member's config alone is not enough: without the system property
 * at least one start-up line went through java.util.logging (seen with Hazelcast 5.7).
 */
class ClusterMemberLoggingTest {

  @Test
  void theMembersLinesGoThroughLogbackAsJsonAndNoneThroughJavaUtilLogging() throws Exception {
    Logger hazelcastLog = (Logger) LoggerFactory.getLogger("com.hazelcast");
    Level before = hazelcastLog.getLevel();
    ListAppender<ILoggingEvent> logback = new ListAppender<>();
    logback.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    logback.start();
    hazelcastLog.addAppender(logback);
    hazelcastLog.setLevel(Level.INFO);
    List<LogRecord> viaJul = new CopyOnWriteArrayList<>();
    java.util.logging.Logger julHazelcast = java.util.logging.Logger.getLogger("com.hazelcast");
    Handler jul =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            viaJul.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    julHazelcast.addHandler(jul);
    try (ClusterMember member =
        ClusterMember.start(
            new CoordinatorConfig.Hazelcast(
                true,
                freePort(),
                List.of(),
                "fleetrotate-logging-" + UUID.randomUUID().toString().substring(0, 8)),
            Duration.ofHours(1))) {
      assertThat(member.members()).isEqualTo(1);
    } finally {
      hazelcastLog.detachAppender(logback);
      hazelcastLog.setLevel(before);
      julHazelcast.removeHandler(jul);
    }
    assertThat(viaJul)
        .as("member lines that went to java.util.logging")
        .extracting(r -> r.getLoggerName() + ": " + r.getMessage())
        .isEmpty();
    assertThat(logback.list).as("the member's start-up lines, through slf4j").isNotEmpty();
    LogstashEncoder json = new LogstashEncoder();
    json.setContext(logback.getContext());
    json.start();
    JsonNode line = new ObjectMapper().readTree(json.encode(logback.list.get(0)));
    assertThat(line.path("logger_name").asText()).startsWith("com.hazelcast");
    assertThat(line.path("message").asText()).isNotBlank();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
