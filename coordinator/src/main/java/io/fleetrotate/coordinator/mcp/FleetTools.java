package io.fleetrotate.coordinator.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetrotate.coordinator.advice.FleetAdvisor;
import io.fleetrotate.coordinator.alert.Alert;
import io.fleetrotate.coordinator.alert.Notices;
import io.fleetrotate.coordinator.api.ApiDependencies;
import io.fleetrotate.coordinator.api.ApiException;
import io.fleetrotate.coordinator.api.QueryParams;
import io.fleetrotate.coordinator.api.Unavailable;
import io.fleetrotate.coordinator.api.Views;
import io.fleetrotate.coordinator.fleet.FleetState;
import io.fleetrotate.coordinator.fleet.FleetState.FleetSummary;
import io.fleetrotate.coordinator.fleet.NodeState;
import io.fleetrotate.coordinator.fleet.TooManyCommandsException;
import io.fleetrotate.coordinator.fleet.TrackedNode;
import io.fleetrotate.coordinator.history.RotationPage;
import io.fleetrotate.coordinator.history.RotationQuery;
import io.fleetrotate.proto.Command;
import io.fleetrotate.proto.DiskUsage;
import io.fleetrotate.proto.FailureReason;
import io.fleetrotate.proto.FileStatus;
import io.fleetrotate.proto.NodeHeartbeat;
import io.fleetrotate.proto.Result;
import io.fleetrotate.proto.RotationEvent;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's MCP tools: each an input schema, a handler answering structured content and one
 * short text. Handlers run on a worker thread (see {@link VertxMcpTransport}).
 */
final class FleetTools {
  private static final Logger log = LoggerFactory.getLogger(FleetTools.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FULLEST_DISKS = 5;
  private static final int FAILURES_SCANNED = 1000;

  private final ApiDependencies deps;
  private final FleetState fleet;

  FleetTools(ApiDependencies deps) {
    this.deps = deps;
    this.fleet = deps.fleet();
  }

  List<SyncToolSpecification> all() {
    return List.of(
        tool(
            "fleet_summary",
            "The fleet at a glance: nodes by state, the fullest disks, the rotation success ratio,"
                + " the lock service as each node finds it, and the alerts firing.",
            schema(Map.of()),
            (a, admin) -> fleetSummary()),
        tool(
            "nodes_at_risk",
            "Mounts (and their files) that will pass a disk used ratio within the next hours at"
                + " their measured growth, with the time left, soonest first.",
            schema(
                Map.of(
                    "hours",
                    prop("number", "Look this many hours ahead (1 to 8760; default 24)."),
                    "ratio",
                    prop(
                        "number",
                        "The used ratio to pass (0.01 to 1; default the coordinator's disk alert"
                            + " threshold)."))),
            (a, admin) -> nodesAtRisk(a)),
        tool(
            "rotation_history",
            "Rotations, newest first, filtered as GET /api/v1/rotations filters them.",
            schema(
                Map.of(
                    "node", prop("string", "Only this node's rotations."),
                    "group", prop("string", "Only this rotation group."),
                    "path", prop("string", "Only this watched file."),
                    "result", prop("string", "SUCCESS, FAILED or SKIPPED."),
                    "since", prop("string", "Only rotations finished at or after this UTC time."),
                    "limit", prop("integer", "At most this many (1 to 1000; default 50)."),
                    "cursor", prop("string", "The nextCursor of the previous page."))),
            (a, admin) -> rotationHistory(a)),
        tool(
            "explain_failures",
            "Recent failed rotations grouped by reason, with their messages and what to do about"
                + " each reason.",
            schema(
                Map.of(
                    "since",
                    prop(
                        "string", "Failures finished at or after this UTC time (default 24h ago)."),
                    "node",
                    prop("string", "Only this node's failures."),
                    "group",
                    prop("string", "Only this rotation group."))),
            (a, admin) -> explainFailures(a)),
        tool(
            "recommend_policy",
            "The growth advisor: maxSize, keep and maxTotalSize for each file of a node, a file or"
                + " a group, from its measured hourly growth (P50, P95) and its mount, with one"
                + " sentence of reasoning per value.",
            schema(
                Map.of(
                    "node", prop("string", "Only this node's files."),
                    "path", prop("string", "Only this watched file."),
                    "group", prop("string", "Only this rotation group's nodes."))),
            (a, admin) -> recommendPolicy(a)),
        tool(
            "rotate_now",
            "Rotates a node's files now (admin tokens only). A dry run unless confirm is true: it"
                + " says what would rotate and under which lease; with confirm: true the command"
                + " is queued for the node's next heartbeat.",
            schema(
                Map.of(
                    "node",
                    prop("string", "The node to rotate on."),
                    "path",
                    prop("string", "Only this watched file (default: all of them)."),
                    "confirm",
                    prop("boolean", "true queues the rotation; false or absent is a dry run.")),
                "node"),
            this::rotateNow));
  }

  /** A handler's answer before it becomes a CallToolResult. */
  private record Answer(JsonObject structured, String text) {}

  private interface Handler extends BiFunction<Args, Boolean, Answer> {}

  private static SyncToolSpecification tool(
      String name, String description, Map<String, Object> inputSchema, Handler handler) {
    McpSchema.Tool tool =
        McpSchema.Tool.builder()
            .name(name)
            .description(description)
            .inputSchema(inputSchema)
            .build();
    return SyncToolSpecification.builder()
        .tool(tool)
        .callHandler((ctx, request) -> call(name, handler, ctx, request))
        .build();
  }

  private static CallToolResult call(
      String name, Handler handler, McpTransportContext ctx, CallToolRequest request) {
    boolean admin = Boolean.TRUE.equals(ctx.get(VertxMcpTransport.ADMIN));
    Answer answer;
    try {
      answer = handler.apply(new Args(request.arguments()), admin);
    } catch (ApiException e) {
      throw Args.invalid(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw Args.invalid("argument " + e.getMessage());
    } catch (McpError e) {
      throw e;
    } catch (RuntimeException e) {
      Optional<String> unavailable = Unavailable.sentence(e);
      if (unavailable.isPresent()) {
        log.warn("MCP tool {}: {}", name, e.toString());
        throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
            .message(unavailable.get())
            .build();
      }
      log.error("MCP tool {} failed", name, e);
      throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
          .message("internal error in " + name + "; the coordinator logged the details")
          .build();
    }
    return CallToolResult.builder()
        .structuredContent(toMap(answer.structured()))
        .addTextContent(answer.text())
        .build();
  }

  static Map<String, Object> toMap(JsonObject json) {
    try {
      return JSON.readValue(json.encode(), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JsonObject always encodes", e);
    }
  }

  private static Map<String, Object> schema(Map<String, Object> properties, String... required) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "object");
    s.put("properties", new TreeMap<>(properties));
    if (required.length > 0) {
      s.put("required", List.of(required));
    }
    s.put("additionalProperties", false);
    return s;
  }

  private static Map<String, Object> prop(String type, String description) {
    return Map.of("type", type, "description", description);
  }

  // ---- fleet_summary ----

  private Answer fleetSummary() {
    FleetSummary s = fleet.summary();
    JsonObject nodes = Views.nodeCounts(s.nodes());
    int total = nodes.getInteger("total");

    record Disk(String node, DiskUsage d) {}
    List<Disk> disks = new ArrayList<>();
    Map<String, int[]> lockBackends = new TreeMap<>();
    JsonArray lockDown = new JsonArray();
    int lockUnknown = 0;
    for (TrackedNode n : fleet.nodes()) {
      NodeHeartbeat hb = n.heartbeat();
      hb.disks().forEach(d -> disks.add(new Disk(n.nodeId(), d)));
      if (hb.lock() == null) {
        lockUnknown++;
        continue;
      }
      int[] counts = lockBackends.computeIfAbsent(hb.lock().backend(), k -> new int[2]);
      counts[hb.lock().available() ? 0 : 1]++;
      if (!hb.lock().available()) {
        lockDown.add(
            new JsonObject()
                .put("node", n.nodeId())
                .put("backend", hb.lock().backend())
                .put("unavailableSince", hb.lock().unavailableSince().toString()));
      }
    }
    disks.sort(Comparator.comparingDouble((Disk d) -> -d.d().usedRatio()));
    JsonArray fullest = new JsonArray();
    disks.stream()
        .limit(FULLEST_DISKS)
        .forEach(
            d ->
                fullest.add(
                    new JsonObject()
                        .put("node", d.node())
                        .put("mount", d.d().mount())
                        .put("usedRatio", d.d().usedRatio())
                        .put("usedBytes", d.d().usedBytes())
                        .put("totalBytes", d.d().totalBytes())));
    JsonArray backends = new JsonArray();
    lockBackends.forEach(
        (b, c) ->
            backends.add(
                new JsonObject()
                    .put("backend", b)
                    .put("nodesAvailable", c[0])
                    .put("nodesUnavailable", c[1])));
    List<Alert> firingAlerts = deps.alerts().firing();
    JsonArray firing = new JsonArray();
    firingAlerts.forEach(a -> firing.add(Notices.json(a)));

    JsonObject out =
        new JsonObject()
            .put("serverTime", fleet.clock().instant().toString())
            .put("nodes", nodes)
            .put("fullestDisks", fullest)
            .put("rotations", Views.rotationTotals(s))
            .put(
                "lockService",
                new JsonObject()
                    .put("backends", backends)
                    .put("unavailable", lockDown)
                    .put("nodesNotReporting", lockUnknown))
            .put("alerts", new JsonObject().put("firing", firing));

    StringBuilder text = new StringBuilder();
    text.append(total)
        .append(" nodes (")
        .append(s.nodes().get(NodeState.UP))
        .append(" up, ")
        .append(s.nodes().get(NodeState.STALE))
        .append(" stale, ")
        .append(s.nodes().get(NodeState.DOWN))
        .append(" down)");
    if (!disks.isEmpty()) {
      Disk d = disks.get(0);
      text.append("; fullest disk: ")
          .append(d.node())
          .append(' ')
          .append(d.d().mount())
          .append(" at ")
          .append(percent(d.d().usedRatio()));
    }
    text.append("; rotations succeeded ")
        .append(s.lastDay().attempts() == 0 ? "n/a" : percent(s.lastDay().ratio()))
        .append(" over 24h (")
        .append(s.lastDay().successes())
        .append(" of ")
        .append(s.lastDay().attempts())
        .append(")");
    text.append("; lock service: ")
        .append(
            lockDown.isEmpty()
                ? (lockBackends.isEmpty() ? "not reported" : "available on every reporting node")
                : "UNAVAILABLE on " + lockDown.size() + " nodes");
    text.append("; ").append(firingAlerts.size()).append(" alerts firing.");
    return new Answer(out, text.toString());
  }

  // ---- nodes_at_risk ----

  private Answer nodesAtRisk(Args a) {
    double hours = a.number("hours", 1, 8760, 24);
    double ratio = a.number("ratio", 0.01, 1, deps.config().alerts().rules().diskUsedRatio());
    Instant now = fleet.clock().instant();
    record Risk(JsonObject json, double hoursLeft) {}
    List<Risk> risks = new ArrayList<>();
    for (TrackedNode n : fleet.nodes()) {
      NodeHeartbeat hb = n.heartbeat();
      for (DiskUsage d : hb.disks()) {
        double growthPerHour = 0;
        JsonArray files = new JsonArray();
        for (FileStatus f : hb.files()) {
          var mount = FleetAdvisor.mountOf(f.path(), hb.disks());
          if (mount.isPresent() && mount.get().mount().equals(d.mount())) {
            double g = f.growthBytesPerSecond() * 3600;
            growthPerHour += g;
            files.add(
                new JsonObject()
                    .put("path", f.path())
                    .put("sizeBytes", f.sizeBytes())
                    .put("growthBytesPerHour", Math.round(g)));
          }
        }
        double room = ratio * d.totalBytes() - d.usedBytes();
        double left;
        if (room <= 0) {
          left = 0;
        } else if (growthPerHour <= 0) {
          continue;
        } else {
          left = room / growthPerHour;
        }
        if (left > hours) {
          continue;
        }
        risks.add(
            new Risk(
                new JsonObject()
                    .put("node", n.nodeId())
                    .put("mount", d.mount())
                    .put("usedRatio", d.usedRatio())
                    .put("growthBytesPerHour", Math.round(growthPerHour))
                    .put("hoursLeft", Math.round(left * 10) / 10.0)
                    .put("passesAt", now.plusSeconds((long) (left * 3600)).toString())
                    .put("files", files),
                left));
      }
    }
    risks.sort(Comparator.comparingDouble(Risk::hoursLeft));
    JsonArray items = new JsonArray();
    risks.forEach(r -> items.add(r.json()));
    String text;
    if (risks.isEmpty()) {
      text =
          "No mount passes "
              + percent(ratio)
              + " within "
              + fmtHours(hours)
              + " at its measured growth.";
    } else {
      StringBuilder t =
          new StringBuilder()
              .append(risks.size())
              .append(risks.size() == 1 ? " mount passes " : " mounts pass ")
              .append(percent(ratio))
              .append(" within ")
              .append(fmtHours(hours))
              .append(":");
      risks.stream()
          .limit(5)
          .forEach(
              r ->
                  t.append(' ')
                      .append(r.json().getString("node"))
                      .append(' ')
                      .append(r.json().getString("mount"))
                      .append(" in ")
                      .append(fmtHours(r.hoursLeft()))
                      .append(';'));
      text = t.substring(0, t.length() - 1) + ".";
    }
    return new Answer(
        new JsonObject().put("ratio", ratio).put("hours", hours).put("items", items), text);
  }

  // ---- rotation_history ----

  private Answer rotationHistory(Args a) {
    RotationQuery q = QueryParams.rotations(a::asQueryText, "argument ", 50, 1000);
    RotationPage page = deps.history().query(q);
    JsonArray items = new JsonArray();
    page.items().forEach(e -> items.add(Views.rotation(e)));
    String next = page.next().map(c -> c.encode()).orElse(null);
    Map<Result, Integer> byResult = new EnumMap<>(Result.class);
    page.items().forEach(e -> byResult.merge(e.result(), 1, Integer::sum));
    String text =
        page.items().isEmpty()
            ? "No rotations match."
            : page.items().size()
                + (page.items().size() == 1 ? " rotation " : " rotations ")
                + byResult
                + ", newest "
                + page.items().get(0).nodeId()
                + " "
                + page.items().get(0).path()
                + " "
                + page.items().get(0).result()
                + " at "
                + page.items().get(0).finishedAt()
                + (next == null ? "." : "; more with cursor " + next + ".");
    return new Answer(new JsonObject().put("items", items).put("nextCursor", next), text);
  }

  // ---- explain_failures ----

  private Answer explainFailures(Args a) {
    String sinceText = a.text("since");
    String node = a.nodeId("node");
    String group = a.text("group");
    Instant since = fleet.clock().instant().minus(Duration.ofHours(24));
    if (sinceText != null) {
      since =
          QueryParams.rotations(k -> k.equals("since") ? sinceText : null, "argument ", 1, 1)
              .since();
    }
    List<RotationEvent> failed =
        deps.history()
            .query(
                new RotationQuery(node, group, null, Result.FAILED, since, null, FAILURES_SCANNED))
            .items();
    Map<String, List<RotationEvent>> byReason = new TreeMap<>();
    for (RotationEvent e : failed) {
      String reason = e.reason() == null ? "UNKNOWN" : e.reason().name();
      byReason.computeIfAbsent(reason, k -> new ArrayList<>()).add(e);
    }
    JsonArray groups = new JsonArray();
    StringBuilder text =
        new StringBuilder()
            .append(failed.size())
            .append(failed.size() == 1 ? " failed rotation since " : " failed rotations since ")
            .append(since)
            .append(failed.isEmpty() ? "." : ":");
    byReason.entrySet().stream()
        .sorted(Comparator.comparingInt(en -> -en.getValue().size()))
        .forEach(
            en -> {
              List<RotationEvent> events = en.getValue();
              Set<String> nodes = new LinkedHashSet<>();
              Set<String> paths = new LinkedHashSet<>();
              Set<String> messages = new LinkedHashSet<>();
              for (RotationEvent e : events) {
                nodes.add(e.nodeId());
                paths.add(e.path());
                if (e.message() != null && messages.size() < 3) {
                  messages.add(e.message());
                }
              }
              String todo = whatToDo(en.getKey());
              groups.add(
                  new JsonObject()
                      .put("reason", en.getKey())
                      .put("count", events.size())
                      .put("latest", events.get(0).finishedAt().toString())
                      .put("nodes", new JsonArray(new ArrayList<>(nodes)))
                      .put("paths", new JsonArray(paths.stream().limit(10).toList()))
                      .put("messages", new JsonArray(new ArrayList<>(messages)))
                      .put("whatToDo", todo));
              text.append(' ')
                  .append(events.size())
                  .append(' ')
                  .append(en.getKey())
                  .append(" on ")
                  .append(String.join(", ", nodes))
                  .append(messages.isEmpty() ? "" : " (\"" + messages.iterator().next() + "\")")
                  .append(": ")
                  .append(todo)
                  .append(';');
            });
    String t = text.toString();
    if (t.endsWith(";")) {
      t = t.substring(0, t.length() - 1) + ".";
    }
    return new Answer(
        new JsonObject()
            .put("since", since.toString())
            .put("failures", failed.size())
            .put("reasons", groups),
        t);
  }

  static String whatToDo(String reason) {
    FailureReason r;
    try {
      r = FailureReason.valueOf(reason);
    } catch (IllegalArgumentException e) {
      return "read the messages; the agent reported no reason";
    }
    return switch (r) {
      case PERMISSION_DENIED ->
          "run the agent as a user that may write the log directory and create backups there"
              + " (usually root), or fix the directory's owner and mode";
      case DISK_FULL ->
          "free space on the mount: lower retention keep or maxTotalSize (recommend_policy"
              + " advises values); the agent kept the uncompressed backup";
      case COMPRESSION_FAILED ->
          "check that the backup directory is writable and has room; a zstd that cannot load"
              + " falls back to gzip";
      case REOPEN_FAILED ->
          "check the entry's reopen: for signal, that the pid file exists and its process runs;"
              + " for http or command, that the URL or command answers in time";
      case LOCK_TIMEOUT ->
          "the group's lease stayed taken past lock.acquireTimeout: look for a stuck holder in"
              + " the group, or raise lock.maxConcurrent or the timeout";
      case LEASE_LOST ->
          "the lease expired mid-rotation (a pause, a partition, a slow lock service): check"
              + " the lock service's latency, or raise lock.lease";
      case IO_ERROR -> "read the message: usually the file system (read-only, removed, over quota)";
      case CONFIG_ERROR -> "run `agent validate --config` on the node and fix what it names";
      case LOCK_UNAVAILABLE ->
          "the lock service was unreachable and the rotation was deferred: bring the service"
              + " back, or set lock.onUnavailable: rotate-when-critical";
    };
  }

  // ---- recommend_policy ----

  private Answer recommendPolicy(Args a) {
    String node = a.nodeId("node");
    String path = a.path("path");
    String group = a.text("group");
    List<FleetAdvisor.FileAdvice> advice = deps.advisor().advise(node, path, group);
    JsonArray items = new JsonArray();
    StringBuilder text = new StringBuilder();
    for (FleetAdvisor.FileAdvice f : advice) {
      items.add(FleetAdvisor.json(f));
      text.append(f.nodeId()).append(' ').append(f.path()).append(": ");
      if (f.advice().isEmpty()) {
        text.append(f.note());
      } else {
        var v = f.advice().get();
        text.append("maxSize ")
            .append(io.fleetrotate.config.Sizes.formatExact(v.maxSizeBytes()))
            .append(", keep ")
            .append(v.keep())
            .append(", maxTotalSize ")
            .append(io.fleetrotate.config.Sizes.formatExact(v.maxTotalSizeBytes()))
            .append(" (")
            .append(v.basis())
            .append(")");
      }
      text.append(".\n");
    }
    return new Answer(
        new JsonObject().put("items", items),
        advice.isEmpty() ? "No watched file matches." : text.toString().trim());
  }

  // ---- rotate_now ----

  private Answer rotateNow(Args a, boolean admin) {
    if (!admin) {
      throw McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST)
          .message(
              "rotate_now needs an admin token (auth.adminTokens); this viewer token may only"
                  + " read")
          .build();
    }
    String id = a.nodeId("node");
    if (id == null) {
      throw Args.invalid("argument node: required; name the node to rotate on");
    }
    String path = a.path("path");
    boolean confirm = a.bool("confirm", false);
    TrackedNode n =
        fleet
            .node(id)
            .orElseThrow(
                () ->
                    Args.invalid(
                        "argument node: no node " + id + " has sent a heartbeat; check the id"));
    NodeHeartbeat hb = n.heartbeat();
    List<String> files = new ArrayList<>();
    for (FileStatus f : hb.files()) {
      if (path == null || path.equals(f.path())) {
        files.add(f.path());
      }
    }
    if (path != null && files.isEmpty()) {
      throw Args.invalid(
          "argument path: node " + id + " does not watch " + path + "; pick one of its files");
    }
    String backend = hb.lock() == null ? "unknown" : hb.lock().backend();
    boolean lockAvailable = hb.lock() == null || hb.lock().available();
    JsonObject plan =
        new JsonObject()
            .put("node", id)
            .put("files", new JsonArray(files))
            .put("lease", new JsonObject().put("group", hb.group()).put("backend", backend))
            .put("lockAvailable", lockAvailable)
            .put("nodeState", fleet.state(n).wireName())
            .put("pendingCommands", fleet.pendingCommands(id));
    String what =
        (files.size() == 1 ? files.get(0) : files.size() + " files")
            + " on "
            + id
            + " under the lease of group "
            + hb.group()
            + " ("
            + backend
            + (lockAvailable ? "" : ", currently UNAVAILABLE: it would wait")
            + ")";
    if (!confirm) {
      return new Answer(
          plan.put("dryRun", true).put("command", null),
          "Dry run: would rotate " + what + ". Call again with confirm: true to queue it.");
    }
    Command command;
    try {
      command = fleet.queueRotate(id, path).orElseThrow();
    } catch (TooManyCommandsException e) {
      throw McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST).message(e.getMessage()).build();
    }
    log.info(
        "MCP queued {} for node {} (path {})", command.type(), id, path == null ? "all" : path);
    return new Answer(
        plan.put("dryRun", false).put("command", Views.command(id, command)),
        "Queued " + command.commandId() + ": rotate " + what + " at the node's next heartbeat.");
  }

  // ---- formatting ----

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  private static String fmtHours(double h) {
    return String.format(Locale.ROOT, "%.1f h", h);
  }
}
