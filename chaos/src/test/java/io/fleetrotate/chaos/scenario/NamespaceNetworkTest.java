package io.fleetrotate.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** The names the namespace network makes, which its clean-up of dead runs relies on. */
class NamespaceNetworkTest {
  private static final long LARGEST_PID = 4_194_304; // pid_max's upper bound on 64-bit Linux

  @Test
  void namesFitAnInterfaceNameAndCarryThePid() {
    for (char kind : new char[] {'b', 'n', 'h', 'p', 'x'}) {
      String name = NamespaceNetwork.name(LARGEST_PID, kind, kind == 'b' || kind == 'x' ? 0 : 8);
      assertThat(name.length()).as(name).isLessThanOrEqualTo(15);
      Matcher m = NamespaceNetwork.OURS.matcher(name);
      assertThat(m.matches()).as(name).isTrue();
      assertThat(Long.parseLong(m.group(1))).isEqualTo(LARGEST_PID);
    }
  }

  @Test
  void namesOfOtherToolsAreNotTakenForLeftovers() {
    for (String other : new String[] {"eth0", "fr", "frt9b", "br-1234", "fr12bx", "fr12q1"}) {
      assertThat(NamespaceNetwork.OURS.matcher(other).matches()).as(other).isFalse();
    }
  }
}
