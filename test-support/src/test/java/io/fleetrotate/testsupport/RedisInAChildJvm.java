package io.fleetrotate.testsupport;

import io.fleetrotate.testsupport.RealRedis.Source;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link RedisProcessTest}: starts a server from the binary named by the
 * first argument, prints "pid port", then waits for a line on stdin before exiting normally.
 */
final class RedisInAChildJvm {
  private RedisInAChildJvm() {}

  public static void main(String[] args) throws IOException {
    RedisProcess redis = RedisProcess.start(Path.of(args[0]), Source.PATH);
    System.out.println(redis.pid().orElseThrow() + " " + redis.port());
    System.out.flush();
    System.in.read();
    // Exits without stopping the server: the shutdown hook or the watchdog must.
    System.exit(0);
  }
}
