package io.fleetrotate.testsupport;

import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Redis server, which they may kill, pause and restart.
 *
 * <p>Either declare it and take the server as a parameter of a test, lifecycle method or
 * constructor:
 *
 * <pre>{@code
 * @ExtendWith(RedisExtension.class)
 * class LockTest {
 *   @Test
 *   void survivesACrash(RealRedis redis) { ... redis.uri() ... redis.kill(); redis.restart(); }
 * }
 * }</pre>
 *
 * or register it in a field and ask it for the server; each instance owns its own server, so two
 * fields give two independent servers:
 *
 * <pre>{@code
 * @RegisterExtension static final RedisExtension redis = new RedisExtension();
 * @RegisterExtension static final RedisExtension other = RedisExtension.forcing(Source.EMBEDDED);
 * ... redis.server().port() ...
 * }</pre>
 *
 * <p>A server started for a class (static field or {@code @ExtendWith}) lives until the class is
 * done; before each test it is resumed if paused and restarted (same port, empty) if killed, so
 * tests do not depend on each other's crashes. A server registered in an instance field lives for
 * one test. With two instances in one class, use {@link #server()}: a {@link RealRedis} parameter
 * would be ambiguous.
 *
 * <p>Where the server comes from: {@code FLEETROTATE_TEST_REDIS=docker|path|embedded} (system
 * property or environment variable) requires one source; otherwise a {@code redis:7} container if a
 * Docker engine is reachable, else {@code redis-server} from PATH, else the binary inside the
 * embedded-redis jar. If none can be had, the test fails with a message saying how to get one; it
 * is never skipped.
 */
public final class RedisExtension
    implements BeforeAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        AfterAllCallback,
        ParameterResolver {

  private final Supplier<RedisLauncher> launcher;

  // Guarded by this.
  private ManagedRedis server;

  /** Unique id of the JUnit context that started the server; it is stopped when that one ends. */
  private String ownerId;

  /** A Redis from the first source available on this machine, or as FLEETROTATE_TEST_REDIS says. */
  public RedisExtension() {
    this(RedisLauncher::fromEnvironment);
  }

  RedisExtension(Supplier<RedisLauncher> launcher) {
    this.launcher = launcher;
  }

  /**
   * A Redis from {@code source} only, whatever FLEETROTATE_TEST_REDIS says; the tests fail if this
   * machine cannot provide it.
   */
  public static RedisExtension forcing(RealRedis.Source source) {
    Objects.requireNonNull(source, "source");
    return new RedisExtension(
        () -> RedisLauncher.forcing(source, "RedisExtension.forcing(" + source + ")"));
  }

  /**
   * The running server.
   *
   * @throws IllegalStateException if called before the extension has started it, e.g. from a field
   *     initializer
   */
  public synchronized RealRedis server() {
    if (server == null) {
      throw new IllegalStateException(
          "This RedisExtension has not started a server yet; call server() from a test or a"
              + " @BeforeAll/@BeforeEach method, not from a field initializer or constructor.");
    }
    return server;
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    startUnlessRunning(context);
  }

  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    if (server == null || server.isStopped()) {
      startUnlessRunning(context);
      return;
    }
    // Undo what an earlier test did to a server shared by the class.
    if (server.isPaused()) {
      server.resume();
    }
    if (!server.isRunning()) {
      server.restart();
    }
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    stopIfStartedBy(context);
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    stopIfStartedBy(context);
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == RealRedis.class;
  }

  @Override
  public synchronized Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    // A PER_CLASS test instance is constructed before beforeAll runs.
    startUnlessRunning(extensionContext);
    return server;
  }

  private void startUnlessRunning(ExtensionContext context) {
    if (server != null && !server.isStopped()) {
      return;
    }
    if (server == null) {
      ownerId = context.getUniqueId();
    }
    // else a test stopped the server; its replacement still ends with the original scope.
    server = launcher.get().start();
  }

  private void stopIfStartedBy(ExtensionContext context) {
    if (server != null && context.getUniqueId().equals(ownerId)) {
      server.stop();
      server = null;
      ownerId = null;
    }
  }
}
