package io.fleetrotate.testsupport;

import io.fleetrotate.testsupport.RealRedis.Source;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides where a test's Redis comes from and starts it. The order is: the source forced by a test
 * or by {@value #SOURCE_VARIABLE}; else Docker when an engine is reachable; else redis-server from
 * PATH; else the binary inside the embedded-redis jar; else a failure that says how to get one.
 */
final class RedisLauncher {
  static final String SOURCE_VARIABLE = "FLEETROTATE_TEST_REDIS";
  static final String BINARY_NAME = "redis-server";

  /** Searched after PATH: where packages install redis-server even when PATH is minimal. */
  private static final List<Path> STANDARD_DIRECTORIES =
      List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin"));

  private final Optional<Source> forced;
  private final String forcedBy;
  private final List<Path> searchDirectories;
  private final BooleanSupplier dockerReachable;
  private final Supplier<Path> embeddedBinary;

  /**
   * @param forced the only source allowed, or empty to choose automatically
   * @param forcedBy who forced it, for error messages (e.g. {@code FLEETROTATE_TEST_REDIS=path})
   * @param searchDirectories where to look for redis-server, in order
   * @param dockerReachable whether a Docker engine can be used
   * @param embeddedBinary the embedded-redis binary; throws {@link RedisUnavailableException}
   */
  RedisLauncher(
      Optional<Source> forced,
      String forcedBy,
      List<Path> searchDirectories,
      BooleanSupplier dockerReachable,
      Supplier<Path> embeddedBinary) {
    this.forced = forced;
    this.forcedBy = forcedBy;
    this.searchDirectories = List.copyOf(searchDirectories);
    this.dockerReachable = dockerReachable;
    this.embeddedBinary = embeddedBinary;
  }

  /** Reads {@value #SOURCE_VARIABLE} (system property first, then environment) and PATH. */
  static RedisLauncher fromEnvironment() {
    Optional<Source> forced =
        parseSource(
            Optional.ofNullable(System.getProperty(SOURCE_VARIABLE))
                .orElse(System.getenv(SOURCE_VARIABLE)));
    return onThisMachine(
        forced, SOURCE_VARIABLE + "=" + forced.map(RedisLauncher::nameOf).orElse(""));
  }

  /** Only {@code source} is allowed, whatever {@value #SOURCE_VARIABLE} says. */
  static RedisLauncher forcing(Source source, String forcedBy) {
    return onThisMachine(Optional.of(source), forcedBy);
  }

  private static RedisLauncher onThisMachine(Optional<Source> forced, String forcedBy) {
    return new RedisLauncher(
        forced,
        forcedBy,
        searchDirectories(System.getenv("PATH")),
        DockerProbe::isReachable,
        EmbeddedRedisBinary::extract);
  }

  /**
   * @throws RedisUnavailableException if no Redis of an allowed source can be had
   */
  ManagedRedis start() {
    if (forced.isPresent()) {
      return startForced(forced.get());
    }
    if (dockerReachable.getAsBoolean()) {
      return DockerRedis.start();
    }
    Optional<Path> onPath = findOnPath();
    if (onPath.isPresent()) {
      return RedisProcess.start(onPath.get(), Source.PATH);
    }
    Path embedded;
    try {
      embedded = embeddedBinary.get();
    } catch (RedisUnavailableException e) {
      throw new RedisUnavailableException(
          "No Redis for tests: "
              + dockerReason()
              + ", "
              + pathReason()
              + ", and "
              + e.getMessage()
              + "; install one with `apt-get install redis-server`, or start a Docker engine, or"
              + " set "
              + SOURCE_VARIABLE
              + " to docker, path or embedded to require a source.");
    }
    return RedisProcess.start(embedded, Source.EMBEDDED);
  }

  Optional<Path> findOnPath() {
    return searchDirectories.stream()
        .map(dir -> dir.resolve(BINARY_NAME))
        .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file))
        .findFirst();
  }

  private ManagedRedis startForced(Source source) {
    switch (source) {
      case DOCKER:
        if (!dockerReachable.getAsBoolean()) {
          throw new RedisUnavailableException(
              forcedBy
                  + " requires Docker but "
                  + dockerReason()
                  + "; start a Docker engine, or "
                  + otherSources(source));
        }
        return DockerRedis.start();
      case PATH:
        return RedisProcess.start(
            findOnPath()
                .orElseThrow(
                    () ->
                        new RedisUnavailableException(
                            forcedBy
                                + " requires redis-server on PATH but "
                                + pathReason()
                                + "; install it with `apt-get install redis-server`, or "
                                + otherSources(source))),
            Source.PATH);
      case EMBEDDED:
        Path binary;
        try {
          binary = embeddedBinary.get();
        } catch (RedisUnavailableException e) {
          throw new RedisUnavailableException(
              forcedBy
                  + " requires the embedded-redis binary but "
                  + e.getMessage()
                  + "; install redis-server with `apt-get install redis-server` and "
                  + otherSources(source));
        }
        return RedisProcess.start(binary, Source.EMBEDDED);
      default:
        throw new AssertionError(source);
    }
  }

  /** Advice for when the forced source cannot be had: how to pick another one. */
  private String otherSources(Source unavailable) {
    String others =
        Arrays.stream(Source.values())
            .filter(source -> source != unavailable)
            .map(RedisLauncher::nameOf)
            .sorted()
            .collect(Collectors.joining(" or "));
    return forcedBy.startsWith(SOURCE_VARIABLE)
        ? "set " + SOURCE_VARIABLE + " to " + others + ", or unset it to choose automatically."
        : "drop the forced source so that "
            + SOURCE_VARIABLE
            + " or automatic selection picks one ("
            + others
            + ").";
  }

  private String dockerReason() {
    String reason = DockerProbe.unreachableReason();
    return reason.isEmpty() ? "no Docker engine is reachable" : reason;
  }

  private String pathReason() {
    return "no executable "
        + BINARY_NAME
        + " is in "
        + (searchDirectories.isEmpty()
            ? "any directory (the search path is empty)"
            : searchDirectories.stream().map(Path::toString).collect(Collectors.joining(":")));
  }

  /**
   * @throws RedisUnavailableException if the value names no source
   */
  static Optional<Source> parseSource(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String name = value.strip().toLowerCase(Locale.ROOT);
    for (Source source : Source.values()) {
      if (nameOf(source).equals(name)) {
        return Optional.of(source);
      }
    }
    throw new RedisUnavailableException(
        SOURCE_VARIABLE
            + " is '"
            + value
            + "', which is not a Redis source; set it to docker, path or embedded, or unset it to"
            + " choose automatically.");
  }

  static String nameOf(Source source) {
    return source.name().toLowerCase(Locale.ROOT);
  }

  /** PATH's entries, then the standard directories, without duplicates or unusable entries. */
  static List<Path> searchDirectories(String pathVariable) {
    Set<Path> directories = new LinkedHashSet<>();
    if (pathVariable != null) {
      for (String entry : pathVariable.split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          try {
            directories.add(Path.of(entry));
          } catch (InvalidPathException ignored) {
            // A malformed PATH entry cannot hold redis-server.
          }
        }
      }
    }
    directories.addAll(STANDARD_DIRECTORIES);
    return new ArrayList<>(directories);
  }
}
