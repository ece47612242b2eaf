package io.fleetrotate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ListenPortTest {
  @Test
  void aPortSomeoneListensOnIsOneSentenceNamingKeyPortAndAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThat(new ListenPort("http.port", "127.0.0.1", port).refuseInUse())
          .contains(
              "http.port "
                  + port
                  + " is already in use on 127.0.0.1; stop the process listening there or set"
                  + " another http.port.");
    }
  }

  @Test
  void aFreePortAndPortZeroPass() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(new ListenPort("http.port", "127.0.0.1", port).refuseInUse()).isEmpty();
    assertThat(new ListenPort("http.port", "127.0.0.1", 0).refuseInUse()).isEmpty();
  }
}
