package io.fleetrotate.lock;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

/** The lock clients' reconnect lines: the first passes, repeats are dropped, others untouched. */
class ReconnectChatterFilterTest {

  @Test
  void keepsTheFirstReconnectLineAndDropsTheRepeats() {
    LoggerContext context = new LoggerContext();
    ReconnectChatterFilter filter = new ReconnectChatterFilter();
    filter.setContext(context);
    filter.start();
    context.addTurboFilter(filter);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.setContext(context);
    seen.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);

    Logger lettuce = context.getLogger("io.lettuce.core.protocol.ConnectionWatchdog");
    Logger hazelcast =
        context.getLogger("com.hazelcast.client.impl.connection.tcp.TcpClientConnectionManager");
    Logger agent = context.getLogger("io.fleetrotate.agent.daemon.Agent");
    for (int i = 1; i <= 12; i++) {
      lettuce.warn("Cannot reconnect to [127.0.0.1:6379]: Connection refused");
      hazelcast.warn("Unable to get live cluster connection, attempt: {}", i);
      agent.warn("own line {}", i);
    }
    lettuce.error("a real error");

    assertThat(seen.list.stream().map(ILoggingEvent::getFormattedMessage))
        .filteredOn(m -> !m.startsWith("own line"))
        .containsExactly(
            "Cannot reconnect to [127.0.0.1:6379]: Connection refused",
            "Unable to get live cluster connection, attempt: 1",
            "a real error");
    assertThat(seen.list).filteredOn(e -> e.getMessage().startsWith("own line")).hasSize(12);
  }
}
