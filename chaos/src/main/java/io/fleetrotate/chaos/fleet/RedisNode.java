package io.fleetrotate.chaos.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A redis-server from {@code PATH} on a free port of loopback (and of any further address it is
 * asked to listen on), without persistence.
 */
public final class RedisNode {
  private final int port;
  private final ManagedProcess process;

  RedisNode(Path binary, Path dir, List<String> alsoBind, Fleet fleet) {
    this.port = FreePorts.next();
    List<String> cmd =
        new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port)));
    cmd.add("--bind");
    cmd.add("127.0.0.1");
    cmd.addAll(alsoBind);
    if (!alsoBind.isEmpty()) {
      // Without a password, protected mode answers DENIED to every client not on loopback; the
      // further addresses are the harness's own (the host side of its network namespaces).
      cmd.addAll(List.of("--protected-mode", "no"));
    }
    cmd.addAll(List.of("--save", "", "--appendonly", "no", "--dir", dir.toString()));
    this.process =
        fleet.register(
            new ManagedProcess(
                "redis",
                ManagedProcess.Role.REDIS,
                cmd,
                dir.resolve("redis.log"),
                fleet::recordPid));
  }

  /** {@code redis-server} on {@code PATH}, if there is one. */
  public static Optional<Path> findBinary() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public int port() {
    return port;
  }

  public String uri() {
    return uri("127.0.0.1");
  }

  /** Its URI at {@code host}, loopback or an address it was asked to listen on too. */
  public String uri(String host) {
    return "redis://" + host + ":" + port;
  }

  public ManagedProcess process() {
    return process;
  }

  /** Waits until it answers PING. */
  public RedisNode awaitReady(Duration timeout) {
    Waits.until(
        timeout,
        "redis-server ready (see " + process.log() + ")",
        this::pong,
        () -> !process.isAlive());
    return this;
  }

  private boolean pong() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(1000);
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }
}
