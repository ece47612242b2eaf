package io.fleetrotate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import io.fleetrotate.lock.ReconnectChatterFilter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** The logging set up in code, on a fresh logback context of its own. */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class AgentLoggingTest {

  private static final List<String> PROPERTIES =
      List.of(
          AgentLogging.FORMAT_PROPERTY,
          AgentLogging.LEVEL_PROPERTY,
          AgentLogging.LIBRARY_LEVEL_PROPERTY);

  private final LoggerContext context = new LoggerContext();
  private final Map<String, String> before = new HashMap<>();

  /** AgentMain sets these for the rest of the JVM; other tests in this one may have run it. */
  @BeforeEach
  void clearProperties() {
    context.setMDCAdapter(new LogbackMDCAdapter());
    for (String p : PROPERTIES) {
      String value = System.clearProperty(p);
      if (value != null) {
        before.put(p, value);
      }
    }
  }

  @AfterEach
  void restoreProperties() {
    PROPERTIES.forEach(System::clearProperty);
    before.forEach(System::setProperty);
    context.stop();
  }

  @Test
  void jsonToStderrAtInfoWithTheLockClientsAtWarnByDefault() {
    assertThat(configure()).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    ConsoleAppender<ILoggingEvent> out = (ConsoleAppender<ILoggingEvent>) root.getAppender("OUT");
    assertThat(out.getTarget()).isEqualTo("System.err");
    assertThat(out.getEncoder()).isInstanceOf(LogstashEncoder.class);
    for (String library : new String[] {"com.hazelcast", "io.lettuce", "reactor", "io.vertx"}) {
      assertThat(context.getLogger(library).getLevel()).as(library).isEqualTo(Level.WARN);
    }
    assertThat(context.getTurboFilterList()).hasOnlyElementsOfType(ReconnectChatterFilter.class);

    String line = encode(out, "rotated");
    assertThat(line)
        .startsWith("{\"@timestamp\"")
        .contains("\"message\":\"rotated\"")
        .contains("\"app\":\"fleetrotate-agent\"");
  }

  @Test
  void textAndTheLevelsAsAgentMainSetsThemForAOneShotCommand() {
    System.setProperty(AgentLogging.FORMAT_PROPERTY, "text");
    System.setProperty(AgentLogging.LEVEL_PROPERTY, "WARN");
    System.setProperty(AgentLogging.LIBRARY_LEVEL_PROPERTY, "OFF");

    configure();

    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.lettuce").getLevel()).isEqualTo(Level.OFF);
    ConsoleAppender<ILoggingEvent> out = (ConsoleAppender<ILoggingEvent>) root.getAppender("OUT");
    assertThat(out.getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
    assertThat(encode(out, "lock unreachable"))
        .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  lock unreachable\\R");
  }

  private Configurator.ExecutionStatus configure() {
    AgentLogging logging = new AgentLogging();
    logging.setContext(context);
    return logging.configure(context);
  }

  private String encode(ConsoleAppender<ILoggingEvent> out, String message) {
    ch.qos.logback.classic.Logger logger = context.getLogger("io.fleetrotate.agent.Test");
    ILoggingEvent event =
        new ch.qos.logback.classic.spi.LoggingEvent(
            getClass().getName(), logger, Level.WARN, message, null, null);
    return new String(out.getEncoder().encode(event), StandardCharsets.UTF_8);
  }
}
