package io.fleetrotate.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.core.ExecutableProvider;

/**
 * The redis-server binary shipped inside the embedded-redis jar, copied out once per JVM. Only the
 * library's binary lookup is used; the process is started by {@link RedisProcess} like any other,
 * so that kill, pause and restart work the same for every source.
 */
final class EmbeddedRedisBinary {
  /** Guarded by the class lock. */
  private static Path extracted;

  private EmbeddedRedisBinary() {}

  /**
   * @throws RedisUnavailableException if the jar has no binary for this platform or it cannot be
   *     written out
   */
  static synchronized Path extract() {
    if (extracted != null && Files.isExecutable(extracted)) {
      return extracted;
    }
    try {
      Path dir = Files.createTempDirectory("fleetrotate-embedded-redis-");
      // Registered before the binary, so it is deleted after it (deleteOnExit runs in reverse).
      dir.toFile().deleteOnExit();
      File binary = ExecutableProvider.newJarResourceProvider(dir.toFile()).get();
      extracted = binary.toPath();
      return extracted;
    } catch (Exception | LinkageError e) {
      // Unknown platforms surface as assorted runtime exceptions (e.g. a null resource name).
      throw new RedisUnavailableException(
          "the embedded-redis jar has no usable redis-server for "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + " ("
              + e
              + ")");
    }
  }
}
