package io.fleetrotate.agent;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.fleetrotate.lock.ReconnectChatterFilter;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The agent's logging, set up in code (found by logback through {@code META-INF/services}), so a
 * start does not parse and interpret an XML configuration: a one-shot {@code rotate --now} spent
 * about a tenth of its start there. What it sets up:
 *
 * <ul>
 *   <li>one appender to stderr (stdout is for command output): one JSON object per line, or text
 *       for a person ({@code fleetrotate.log.format}, which {@link AgentMain} chooses before the
 *       first logger exists);
 *   <li>the root level from {@code fleetrotate.log.level} (default INFO), the lock clients' levels
 *       from {@code fleetrotate.lib.level} (default WARN: one-shot commands say in their own
 *       sentence what a library failed at), Vert.x and Netty at WARN;
 *   <li>{@link ReconnectChatterFilter}: while the lock service is down, its clients' reconnect
 *       lines once per outage, not per retry.
 * </ul>
 *
 * <p>{@code -Dlogback.configurationFile=FILE} still replaces all of this with FILE.
 */
public final class AgentLogging extends ContextAwareBase implements Configurator {

  static final String FORMAT_PROPERTY = "fleetrotate.log.format";
  static final String LEVEL_PROPERTY = "fleetrotate.log.level";
  static final String LIBRARY_LEVEL_PROPERTY = "fleetrotate.lib.level";

  private static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %msg%n";
  private static final String[] LOCK_CLIENTS = {"com.hazelcast", "io.lettuce", "reactor"};

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    ReconnectChatterFilter chatter = new ReconnectChatterFilter();
    chatter.setContext(context);
    chatter.start();
    context.addTurboFilter(chatter);

    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(context);
    out.setName("OUT");
    out.setTarget("System.err");
    out.setEncoder(encoder(context, System.getProperty(FORMAT_PROPERTY, "json")));
    out.start();

    context.getLogger("io.vertx").setLevel(Level.WARN);
    context.getLogger("io.netty").setLevel(Level.WARN);
    Level libraries = Level.toLevel(System.getProperty(LIBRARY_LEVEL_PROPERTY), Level.WARN);
    for (String name : LOCK_CLIENTS) {
      context.getLogger(name).setLevel(libraries);
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getProperty(LEVEL_PROPERTY), Level.INFO));
    root.addAppender(out);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
    if (LogFormat.Format.text.name().equals(format)) {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(context);
      text.setPattern(TEXT_PATTERN);
      text.start();
      return text;
    }
    LogstashEncoder json = new LogstashEncoder();
    json.setContext(context);
    json.setIncludeCallerData(false);
    json.setCustomFields("{\"app\":\"fleetrotate-agent\"}");
    json.start();
    return json;
  }
}
