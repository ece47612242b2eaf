package io.fleetrotate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TwoRedisServersTest {
  @RegisterExtension static final RedisExtension first = new RedisExtension();
  @RegisterExtension static final RedisExtension second = new RedisExtension();

  @Test
  void twoExtensionsGiveTwoIndependentServers() {
    assertThat(first.server().port()).isNotEqualTo(second.server().port());
    try (RedisClientForTests one = RedisClientForTests.connect(first.server());
        RedisClientForTests two = RedisClientForTests.connect(second.server())) {
      one.sync().set("owner", "first");

      assertThat(two.sync().get("owner")).isNull();

      first.server().kill();

      assertThat(two.sync().ping()).as("the second survives the first's crash").isEqualTo("PONG");
    }
  }
}
