package io.fleetrotate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An extension in an instance field gives each test a server of its own. */
@TestMethodOrder(OrderAnnotation.class)
class ServerPerTestTest {
  private static RealRedis firstTestsServer;

  @RegisterExtension final RedisExtension redis = new RedisExtension();

  @Test
  @Order(1)
  void firstTestGetsAServer() {
    firstTestsServer = redis.server();
    assertThat(firstTestsServer.isRunning()).isTrue();
  }

  @Test
  @Order(2)
  void theFirstTestsServerIsStoppedWhenThatTestEnds() {
    assertThat(redis.server()).isNotSameAs(firstTestsServer);
    assertThat(firstTestsServer.isRunning()).isFalse();
    assertThat(redis.server().isRunning()).isTrue();
  }

  @Test
  void askingForTheServerBeforeItStartsIsExplained() {
    assertThatThrownBy(() -> new RedisExtension().server())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("call server() from a test or a @BeforeAll/@BeforeEach method");
  }
}
