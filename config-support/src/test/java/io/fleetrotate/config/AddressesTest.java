package io.fleetrotate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressesTest {
  @Test
  void bindAddressRefusesAnIpv4NumberAbove255WithoutLookingItUp() {
    assertThatThrownBy(() -> Addresses.BIND_ADDRESS.parse("10.0.0.256"))
        .isInstanceOf(ValueFormatException.class)
        .hasMessage("\"10.0.0.256\" is not an address; write e.g. 0.0.0.0 or 127.0.0.1");
    assertThatThrownBy(() -> Addresses.BIND_ADDRESS.parse("999.1.1.1"))
        .isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> Addresses.BIND_ADDRESS.parse("1.2.3"))
        .isInstanceOf(ValueFormatException.class);
    assertThatThrownBy(() -> Addresses.BIND_ADDRESS.parse("my host"))
        .isInstanceOf(ValueFormatException.class);
  }

  @Test
  void bindAddressAcceptsAddressesAndHostNames() {
    for (String ok :
        new String[] {"0.0.0.0", "127.0.0.1", "255.255.255.255", "::", "[::1]", "web-1"}) {
      assertThat(Addresses.BIND_ADDRESS.parse(ok)).isEqualTo(ok);
    }
  }

  @Test
  void hostPortNamesTheExampleAndRefusesBadPortsAndOctets() {
    ScalarType<String> member = Addresses.hostPort("coordinator:5701");
    assertThat(member.parse("coordinator:5701")).isEqualTo("coordinator:5701");
    assertThat(member.parse("10.0.0.5")).isEqualTo("10.0.0.5");
    assertThat(member.parse("[::1]:5701")).isEqualTo("[::1]:5701");
    for (String bad : new String[] {"host:0", "host:70000", "300.0.0.1:5701", "not a host", ""}) {
      assertThatThrownBy(() -> member.parse(bad))
          .as(bad)
          .hasMessage(Sizes.quote(bad) + " is not host:port; write e.g. coordinator:5701");
    }
  }

  @Test
  void localIpv4AcceptsLoopbackAndAnyAndRefusesForeignAndMalformedAddresses() {
    assertThat(Addresses.LOCAL_IPV4.parse("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(Addresses.LOCAL_IPV4.parse("0.0.0.0")).isEqualTo("0.0.0.0");
    // 192.0.2.0/24 is TEST-NET-1: never a local address.
    assertThatThrownBy(() -> Addresses.LOCAL_IPV4.parse("192.0.2.10"))
        .hasMessageStartingWith("\"192.0.2.10\" is not an address of this host");
    assertThatThrownBy(() -> Addresses.LOCAL_IPV4.parse("127.0.0.300"))
        .hasMessageStartingWith("\"127.0.0.300\" is not an IPv4 address");
  }

  @Test
  void ratioSaysWhatIsAllowed() {
    ScalarType<Double> ratio = ScalarType.ratio("0.85");
    assertThat(ratio.parse("1")).isEqualTo(1.0);
    assertThatThrownBy(() -> ratio.parse("x"))
        .hasMessage("\"x\" is not a number; write a ratio such as 0.85");
    assertThatThrownBy(() -> ratio.parse("0"))
        .hasMessage("\"0\" is out of range; write a ratio greater than 0 and at most 1");
  }
}
