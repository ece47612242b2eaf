package io.fleetrotate.agent.compress;

import com.github.luben.zstd.ZstdCompressCtx;
import java.util.Optional;

/**
 * Whether zstd can be used in this process. zstd-jni loads a native library on first use; on a host
 * where that fails (unusual libc, noexec /tmp, a stripped jar) the agent writes gzip instead.
 */
@FunctionalInterface
interface ZstdAvailability {

  /** System property an operator sets to {@code true} to write gzip even where zstd works. */
  String DISABLE_PROPERTY = "fleetrotate.zstd.disable";

  /** Empty when zstd can be used, otherwise one sentence saying why not. */
  Optional<String> unavailableReason();

  /** The operator's switch, then a native-library probe that runs once per process. */
  static ZstdAvailability system() {
    return () -> {
      if (Boolean.getBoolean(DISABLE_PROPERTY)) {
        return Optional.of("zstd disabled by -D" + DISABLE_PROPERTY + "=true");
      }
      return NativeProbe.RESULT;
    };
  }

  static ZstdAvailability unavailable(String reason) {
    Optional<String> result = Optional.of(reason);
    return () -> result;
  }

  /** Holder idiom: the JVM runs {@link #probe()} once, on first use, and publishes it safely. */
  final class NativeProbe {
    static final Optional<String> RESULT = probe();

    private NativeProbe() {}

    static Optional<String> probe() {
      try {
        new ZstdCompressCtx().close();
        return Optional.empty();
      } catch (LinkageError | RuntimeException e) {
        // UnsatisfiedLinkError, NoClassDefFoundError and ExceptionInInitializerError are all
        // LinkageErrors; a RuntimeException here means the native context could not be created.
        return Optional.of("zstd native library unavailable: " + e);
      }
    }
  }
}
