package io.fleetrotate.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network values both sides configure: a peer's {@code host:port}, an address to listen on, and
 * an IPv4 address of this host. Each is checked from its text alone: no name is looked up and no
 * socket is bound while a configuration is read.
 */
public final class Addresses {
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*)(?::(\\d{1,5}))?");
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*");
  private static final Pattern DOTTED = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /** An address or host name to listen on; a dotted IPv4 address must have numbers up to 255. */
  public static final ScalarType<String> BIND_ADDRESS =
      new ScalarType<>(
          "an address or host name to listen on, such as 0.0.0.0",
          s -> {
            if (!isHost(s)) {
              throw new ValueFormatException(
                  Sizes.quote(s) + " is not an address; write e.g. 0.0.0.0 or 127.0.0.1");
            }
            return s;
          });

  /** An IPv4 address this host has (or loopback, or 0.0.0.0 for every interface). */
  public static final ScalarType<String> LOCAL_IPV4 =
      new ScalarType<>(
          "an IPv4 address of this host, such as 10.0.0.5, or 0.0.0.0 for every interface",
          s -> {
            InetAddress address = ipv4(s).orElse(null);
            if (address == null) {
              throw new ValueFormatException(
                  Sizes.quote(s)
                      + " is not an IPv4 address; write an address of this host such as 10.0.0.5,"
                      + " 127.0.0.1 for this host only, or 0.0.0.0 for every interface");
            }
            if (!address.isAnyLocalAddress()
                && !address.isLoopbackAddress()
                && !isInterfaceAddress(address)) {
              throw new ValueFormatException(
                  Sizes.quote(s)
                      + " is not an address of this host; write one that ip -4 addr lists, or"
                      + " 127.0.0.1 for this host only");
            }
            return s;
          });

  private Addresses() {}

  /** A peer as {@code host:port} (the port optional), e.g. {@code example} = coordinator:5701. */
  public static ScalarType<String> hostPort(String example) {
    return new ScalarType<>(
        "host:port, such as " + example,
        s -> {
          Matcher m = HOST_PORT.matcher(s);
          if (!m.matches()
              || !isHost(m.group(1))
              || (m.group(2) != null && !validPort(m.group(2)))) {
            throw new ValueFormatException(
                Sizes.quote(s) + " is not host:port; write e.g. " + example);
          }
          return s;
        });
  }

  /** Whether {@code s} is a host name, a dotted IPv4 address or a bracketed IPv6 literal. */
  private static boolean isHost(String s) {
    if (s.startsWith("[") || s.contains(":")) {
      return ipv6(s);
    }
    if (DOTTED.matcher(s).matches()) {
      return ipv4(s).isPresent(); // all digits and dots: an address, so each number up to 255
    }
    return HOST_NAME.matcher(s).matches();
  }

  /** A dotted IPv4 literal with four numbers from 0 to 255, read without any name lookup. */
  static Optional<InetAddress> ipv4(String s) {
    Matcher m = IPV4.matcher(s);
    if (!m.matches()) {
      return Optional.empty();
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int octet = Integer.parseInt(m.group(i + 1));
      if (octet > 255) {
        return Optional.empty();
      }
      bytes[i] = (byte) octet;
    }
    try {
      return Optional.of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      return Optional.empty(); // only for a wrong length, which cannot happen here
    }
  }

  private static boolean ipv6(String s) {
    String literal = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    if (!literal.matches("[0-9A-Fa-f:.]+") || !literal.contains(":")) {
      return false;
    }
    try {
      InetAddress.getByName(literal); // a literal with ':' is parsed, never looked up
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether a network interface of this host has {@code address}: no socket is bound to ask. */
  private static boolean isInterfaceAddress(InetAddress address) {
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  private static boolean validPort(String digits) {
    int port = Integer.parseInt(digits);
    return port >= 1 && port <= 65535;
  }
}
