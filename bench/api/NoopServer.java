// The baseline of bench/coordinator-bench.sh: a Vert.x server that handles a POST as the
// coordinator's heartbeat route does up to the handler (the agent bearer-token check, then the
// body read whole under the same limit, one HTTP verticle instance per core up to 4) and answers
// {} without decoding it. The coordinator itself serves no bench route.
//
// Not shipped: run as a single source file with the coordinator jar (which holds Vert.x) on the
// class path:
//   java -cp coordinator/target/coordinator.jar bench/api/NoopServer.java PORT AGENT_TOKEN
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;

public final class NoopServer {
  /** As the coordinator's default http.maxBodyBytes (WireLimits.MAX_DOCUMENT_BYTES). */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: NoopServer PORT AGENT_TOKEN");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String expected = "Bearer " + args[1];
    int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    Vertx vertx = Vertx.vertx();
    vertx
        .deployVerticle(
            () ->
                new AbstractVerticle() {
                  @Override
                  public void start() {
                    Router r = Router.router(vertx);
                    // A security-policy handler, as the coordinator's TokenCheck: Vert.x web
                    // allows only those before a body handler.
                    SecurityPolicyHandler token =
                        (RoutingContext ctx) -> {
                          if (!expected.equals(ctx.request().getHeader("authorization"))) {
                            ctx.response().setStatusCode(401).end();
                          } else {
                            ctx.next();
                          }
                        };
                    r.post("/noop")
                        .handler(token)
                        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                        .handler(
                            ctx ->
                                ctx.response().putHeader("content-type", "application/json").end("{}"));
                    vertx.createHttpServer().requestHandler(r).listen(port, "127.0.0.1");
                  }
                },
            new DeploymentOptions().setInstances(instances))
        .toCompletionStage()
        .toCompletableFuture()
        .get();
    System.out.println("noop server on 127.0.0.1:" + port);
  }
}
