package io.fleetrotate.coordinator.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;

/**
 * Lets a request through only with a token of the required scope (or any token, when {@code
 * required} is null), and records who the caller is ({@link Tokens.Caller}) for the handler. A
 * security-policy handler, so Vert.x runs it before the body is read: an unauthenticated client
 * cannot make the coordinator buffer a large body.
 */
final class TokenCheck implements SecurityPolicyHandler {
  private final Tokens tokens;
  private final Tokens.Scope required;
  private final boolean scrapeToo;

  TokenCheck(Tokens tokens, Tokens.Scope required) {
    this(tokens, required, false);
  }

  private TokenCheck(Tokens tokens, Tokens.Scope required, boolean scrapeToo) {
    this.tokens = tokens;
    this.required = required;
    this.scrapeToo = scrapeToo;
  }

  /** For reading: an admin token or a viewer token. */
  static TokenCheck reader(Tokens tokens) {
    return new TokenCheck(tokens, Tokens.Scope.VIEWER, false);
  }

  /** For /metrics: an admin token or a scrape token. */
  static TokenCheck adminOrScrape(Tokens tokens) {
    return new TokenCheck(tokens, Tokens.Scope.ADMIN, true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Tokens.Caller caller = tokens.callerOf(ctx.request().getHeader("authorization"));
    if (caller == null) {
      ctx.response().putHeader("www-authenticate", "Bearer");
      refuse(
          ctx,
          401,
          "missing or unknown token; send Authorization: Bearer <token> with a configured token");
    } else if (scrapeToo
        && caller.scope() != Tokens.Scope.ADMIN
        && caller.scope() != Tokens.Scope.SCRAPE) {
      refuse(
          ctx,
          403,
          "this endpoint needs a scrape or admin token (auth.scrapeTokens or auth.adminTokens)");
    } else if (required == Tokens.Scope.VIEWER
        && caller.scope() != Tokens.Scope.ADMIN
        && caller.scope() != Tokens.Scope.VIEWER) {
      refuse(
          ctx,
          403,
          "this endpoint needs an admin or viewer token (auth.adminTokens or auth.viewerTokens)");
    } else if (!scrapeToo
        && required != null
        && required != Tokens.Scope.VIEWER
        && caller.scope() != required) {
      String who = required == Tokens.Scope.AGENT ? "agent" : "admin";
      refuse(ctx, 403, "this endpoint needs an " + who + " token (auth." + who + "Tokens)");
    } else {
      ctx.put(Tokens.Caller.KEY, caller);
      ctx.next();
    }
  }

  private static void refuse(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", message).toBuffer());
  }
}
