// The load of bench/fleet-scale.sh: a simulated fleet of agents posting heartbeats (3 files each,
// every 15 s per agent) and back-dated rotation events in agent-sized batches, and the timed
// queries of an operator. JDK only (java.net.http); run as a single source file:
//
//   java bench/fleet/FleetLoad.java ingest URL TOKEN --agents N --from A --to B --total T
//        --epoch-ms E [--batch B] [--concurrency C] [--heartbeats URL] [--register] [--no-ack]
//        [--pid PID]
//   java bench/fleet/FleetLoad.java query URL ADMIN_TOKEN --agents N [--samples S]
//   java -cp coordinator.jar bench/fleet/FleetLoad.java preload embedded|postgres DIR|JDBC_URL
//        --agents N --from A --to B --total T --epoch-ms E [--batch B] [--concurrency C] [--user U]
//
// preload writes events [A, B) straight into a coordinator's store, with the coordinator stopped:
// each batch is the same JSON, decoded by the coordinator's WireCodec (as POST /api/v1/events
// does) and appended through its HistoryStore (SqlHistoryStore: dedup by event id, every index,
// group commit, fsync), only without HTTP and the fleet state. It needs coordinator.jar on the
// class path; the other commands do not use it.
//
// ingest builds its request bodies as bytes before the clock starts, in chunks of at most 250,000
// events (~105 MB), and counts the ids in each ack as bytes, without building a String: in a real
// fleet the agents are on other hosts, while this client shares the coordinator's cores, so its
// own cost should be small and is printed (client_cpu_us_per_event: this JVM's CPU over the timed
// sending, every thread). With --pid, the CPU of the process serving URL over the same sending
// (utime + stime from /proc/PID/stat) is printed per event as coordinator_cpu_us_per_event, and
// the bytes it passed to write calls (/proc/PID/io wchar) as coordinator_written_kib_per_event.
//
// Event i is the same in every run and against every endpoint (id, node, path, time and result
// derive from i), so the no-op server gets the very batches the coordinator got. Events span
// 30 days before --epoch-ms evenly: event i finishes at epoch - 30d + i * 30d / total.
// Prints one "name value" line per figure; exits 1 on any answer other than 200 or an ack that
// does not list every event of its batch.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

public final class FleetLoad {
  static final Duration SPAN = Duration.ofDays(30);
  static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(15);
  static final String[] FILES = {
    "/var/log/mcp-server/server.log", "/var/log/mcp-server/errors.log", "/var/log/mcp-server/access.log"
  };

  final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  final AtomicLong failures = new AtomicLong();

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: FleetLoad ingest|query URL TOKEN [options]; see the header of this file");
      System.exit(2);
    }
    Map<String, String> opts = new HashMap<>();
    for (int i = 3; i < args.length; i++) {
      if (args[i].equals("--register") || args[i].equals("--no-ack")) {
        opts.put(args[i].substring(2), "true");
      } else if (args[i].startsWith("--") && i + 1 < args.length) {
        opts.put(args[i].substring(2), args[++i]);
      } else {
        System.err.println("FleetLoad: unexpected argument " + args[i] + "; options are --name value");
        System.exit(2);
      }
    }
    FleetLoad load = new FleetLoad();
    switch (args[0]) {
      case "ingest" -> load.ingest(args[1], args[2], opts);
      case "query" -> load.query(args[1], args[2], opts);
      case "preload" -> Preload.run(args[1], args[2], opts);
      default -> {
        System.err.println("FleetLoad: the command is ingest, query or preload, not " + args[0]);
        System.exit(2);
      }
    }
    if (load.failures.get() > 0) {
      System.err.println("FleetLoad: " + load.failures.get() + " requests failed");
      System.exit(1);
    }
    System.exit(0);
  }

  // ---- ingest ----

  /** Which events to send, from the options both ingest and preload take. */
  record Range(int agents, long from, long to, int batch, int concurrency, Instant start, long stepNanos) {
    static Range of(Map<String, String> o, int defaultBatch) {
      long to = Long.parseLong(o.get("to"));
      long total = Long.parseLong(o.getOrDefault("total", "" + to));
      return new Range(
          Integer.parseInt(o.getOrDefault("agents", "10000")),
          Long.parseLong(o.getOrDefault("from", "0")),
          to,
          Integer.parseInt(o.getOrDefault("batch", "" + defaultBatch)),
          Integer.parseInt(o.getOrDefault("concurrency", "8")),
          Instant.ofEpochMilli(Long.parseLong(o.get("epoch-ms"))).minus(SPAN),
          SPAN.toNanos() / Math.max(1, total));
    }

    /** Events [i, min(to, i + batch)) as the JSON array an agent posts. */
    String batchAt(long i) {
      return FleetLoad.batch(i, Math.min(to, i + batch), agents, start, stepNanos);
    }
  }

  /**
   * Events per prebuilt chunk: a chunk's request bodies are built before its clock starts (about
   * 420 bytes an event, so ~105 MB at most), sent, and the clock stops before the next is built.
   */
  static final int CHUNK_EVENTS = 250_000;

  void ingest(String url, String token, Map<String, String> o) throws Exception {
    Range range = Range.of(o, 500);
    int agents = range.agents();
    long from = range.from();
    long to = range.to();
    int batch = range.batch();
    int concurrency = range.concurrency();
    String heartbeats = o.get("heartbeats");
    boolean ack = !o.containsKey("no-ack");
    // The process that serves url (the coordinator or the no-op server): its CPU over the window.
    long serverPid = Long.parseLong(o.getOrDefault("pid", "0"));

    ScheduledExecutorService beats = null;
    if (heartbeats != null) {
      if (o.containsKey("register")) {
        // Every agent known before the first event, as a fleet that has been running.
        Semaphore slots = new Semaphore(concurrency);
        for (int a = 0; a < agents; a++) {
          send(slots, post(heartbeats, token, heartbeat(a)), 0);
        }
        slots.acquire(concurrency);
      }
      // Each agent every 15 s, spread evenly, while the events flow.
      beats = Executors.newSingleThreadScheduledExecutor();
      long periodNanos = HEARTBEAT_EVERY.toNanos() / agents;
      AtomicLong next = new AtomicLong();
      Semaphore beatSlots = new Semaphore(4);
      beats.scheduleAtFixedRate(
          () -> {
            int a = (int) (next.getAndIncrement() % agents);
            if (beatSlots.tryAcquire()) {
              send(beatSlots, post(heartbeats, token, heartbeat(a)), 0);
            }
          },
          0,
          Math.max(1, periodNanos),
          TimeUnit.NANOSECONDS);
    }

    // Only the sending is timed and its CPU counted: the agents of a real fleet build their
    // batches on their own hosts, so each chunk's bodies (and requests) are built first.
    Semaphore slots = new Semaphore(concurrency);
    long nanos = 0;
    long clientCpuNanos = 0;
    long serverCpuTicks = 0;
    long serverWritten = 0;
    for (long chunk = from; chunk < to; chunk += CHUNK_EVENTS) {
      long chunkEnd = Math.min(to, chunk + CHUNK_EVENTS);
      List<HttpRequest> requests = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      for (long i = chunk; i < chunkEnd; i += batch) {
        long end = Math.min(chunkEnd, i + batch);
        byte[] body =
            FleetLoad.batch(i, end, agents, range.start(), range.stepNanos())
                .getBytes(StandardCharsets.UTF_8);
        requests.add(post(url, token, body));
        sizes.add((int) (end - i));
      }
      long serverCpu0 = cpuTicks(serverPid);
      long serverWritten0 = writtenBytes(serverPid);
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      for (int r = 0; r < requests.size(); r++) {
        // The coordinator's ack lists every id (4 dashes each); the no-op server answers {}.
        send(slots, requests.get(r), ack ? sizes.get(r) * 4 : 0);
      }
      slots.acquire(concurrency);
      nanos += System.nanoTime() - t0;
      clientCpuNanos += processCpuNanos() - cpu0;
      serverCpuTicks += cpuTicks(serverPid) - serverCpu0;
      serverWritten += writtenBytes(serverPid) - serverWritten0;
      slots.release(concurrency);
    }
    double seconds = nanos / 1e9;
    if (beats != null) {
      beats.shutdownNow();
    }
    long events = to - from;
    System.out.printf("events %d%n", events);
    System.out.printf("seconds %.3f%n", seconds);
    System.out.printf("events_per_s %.0f%n", events / seconds);
    System.out.printf("client_cpu_us_per_event %.2f%n", clientCpuNanos / 1e3 / events);
    if (serverPid > 0) {
      System.out.printf(
          "coordinator_cpu_us_per_event %.2f%n", serverCpuTicks * 1e6 / CLOCK_TICKS / events);
      System.out.printf("coordinator_written_kib_per_event %.2f%n", serverWritten / 1024.0 / events);
    }
  }

  /** USER_HZ, the unit of /proc/PID/stat's times: 100 on Linux for every architecture it runs. */
  static final int CLOCK_TICKS = 100;

  /** utime + stime of process pid in clock ticks (/proc/PID/stat fields 14 and 15), 0 for pid 0. */
  static long cpuTicks(long pid) throws java.io.IOException {
    if (pid <= 0) {
      return 0;
    }
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * The bytes process pid has passed to write calls (/proc/PID/io wchar: the store's WAL and
   * checkpoints, its log, and the acks it sends, ~40 bytes an event), 0 for pid 0.
   */
  static long writtenBytes(long pid) throws java.io.IOException {
    if (pid <= 0) {
      return 0;
    }
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/io"))) {
      if (line.startsWith("wchar:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    return 0;
  }

  /** This JVM's CPU time (every thread: the HTTP client's, the JIT's, the GC's), in ns. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Events [from, end) as the JSON array an agent posts. */
  static String batch(long from, long end, int agents, Instant start, long stepNanos) {
    StringBuilder body = new StringBuilder((int) (end - from) * 420).append('[');
    for (long n = from; n < end; n++) {
      if (n > from) {
        body.append(',');
      }
      event(body, n, agents, start.plusNanos(n * stepNanos));
    }
    return body.append(']').toString();
  }

  static void event(StringBuilder b, long n, int agents, Instant finishedAt) {
    long h = mix(n);
    boolean failed = Long.remainderUnsigned(h, 50) == 0;
    UUID id = new UUID((mix(h) & ~0xF000L) | 0x4000L, (h & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    int node = (int) (n % agents);
    b.append("{\"protocolVersion\":\"1.0\",\"eventId\":\"").append(id)
        .append("\",\"nodeId\":\"").append(nodeId(node))
        .append("\",\"group\":\"mcp-server-").append(node % 20)
        .append("\",\"path\":\"").append(FILES[(int) ((n / agents) % 3)])
        .append("\",\"trigger\":\"SIZE\",\"startedAt\":\"").append(finishedAt.minusSeconds(2))
        .append("\",\"finishedAt\":\"").append(finishedAt)
        .append(failed ? "\",\"result\":\"FAILED\",\"reason\":\"IO_ERROR\"" : "\",\"result\":\"SUCCESS\"")
        .append(",\"bytesBefore\":104857600,\"bytesAfter\":10485760,\"codec\":\"zstd\",")
        .append("\"lockBackend\":\"hazelcast\",\"lockWaitMs\":120,\"fencingToken\":").append(n + 1)
        .append('}');
  }

  static String nodeId(int node) {
    return String.format("mcp-host-%05d", node);
  }

  static String heartbeat(int a) {
    StringBuilder b =
        new StringBuilder(900)
            .append("{\"protocolVersion\":\"1.0\",\"nodeId\":\"").append(nodeId(a))
            .append("\",\"group\":\"mcp-server-").append(a % 20)
            .append("\",\"agentVersion\":\"0.1.0\",\"sentAt\":\"").append(Instant.now())
            .append("\",\"disks\":[{\"mount\":\"/var/log\",\"totalBytes\":107374182400,\"usedBytes\":")
            .append(40_000_000_000L + a * 1_000_000L).append("}],\"files\":[");
    for (int f = 0; f < FILES.length; f++) {
      b.append(f == 0 ? "" : ",").append("{\"path\":\"").append(FILES[f])
          .append("\",\"sizeBytes\":73400320,\"growthBytesPerSecond\":1234.5,\"backupCount\":30,")
          .append("\"backupBytes\":1610612736}");
    }
    return b.append("]}").toString();
  }

  /** SplitMix64's finalizer: a fixed, well-spread function of n. */
  static long mix(long n) {
    long z = n + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  HttpRequest post(String url, String token, String body) {
    return post(url, token, body.getBytes(StandardCharsets.UTF_8));
  }

  HttpRequest post(String url, String token, byte[] body) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("authorization", "Bearer " + token)
        .header("content-type", "application/json")
        .timeout(Duration.ofMinutes(2))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /**
   * Sends request; a failure is an error, an answer other than 200, or one with fewer than
   * dashes '-' bytes in its body (an ack lists each id, 4 dashes each). The body is counted as it
   * arrives, not kept, but for its first bytes, shown when the answer fails.
   */
  void send(Semaphore slots, HttpRequest request, int dashes) {
    slots.acquireUninterruptibly();
    CompletableFuture<HttpResponse<AckBody>> f;
    try {
      f = http.sendAsync(request, info -> new AckBody());
    } catch (RuntimeException e) {
      slots.release();
      throw e;
    }
    f.whenComplete(
        (r, e) -> {
          if (e != null || r.statusCode() != 200 || r.body().dashes < dashes) {
            if (failures.incrementAndGet() <= 5) {
              System.err.println(
                  "FleetLoad: "
                      + request.uri()
                      + ": "
                      + (e != null ? e : r.statusCode() + " " + r.body().start()));
            }
          }
          slots.release();
        });
  }

  /** A response body read as bytes: its '-' bytes counted, its first 300 bytes kept. */
  static final class AckBody implements HttpResponse.BodySubscriber<AckBody> {
    private final CompletableFuture<AckBody> done = new CompletableFuture<>();
    private final byte[] head = new byte[300];
    private int headLength;
    int dashes;

    String start() {
      return new String(head, 0, headLength, StandardCharsets.UTF_8);
    }

    @Override
    public java.util.concurrent.CompletionStage<AckBody> getBody() {
      return done;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<java.nio.ByteBuffer> buffers) {
      for (java.nio.ByteBuffer b : buffers) {
        while (b.hasRemaining()) {
          byte c = b.get();
          if (c == '-') {
            dashes++;
          }
          if (headLength < head.length) {
            head[headLength++] = c;
          }
        }
      }
    }

    @Override
    public void onError(Throwable e) {
      done.completeExceptionally(e);
    }

    @Override
    public void onComplete() {
      done.complete(this);
    }
  }

  static String clip(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  // ---- queries ----

  void query(String base, String token, Map<String, String> o) throws Exception {
    int agents = Integer.parseInt(o.getOrDefault("agents", "10000"));
    int samples = Integer.parseInt(o.getOrDefault("samples", "200"));
    java.util.Random r = new java.util.Random(42);
    Map<String, Function<Integer, String>> queries = new java.util.LinkedHashMap<>();
    queries.put("newest_page", i -> "/api/v1/rotations?limit=100");
    queries.put("node", i -> "/api/v1/rotations?limit=100&node=" + nodeId(r.nextInt(agents)));
    queries.put("node_failed", i -> "/api/v1/rotations?limit=100&result=FAILED&node=" + nodeId(r.nextInt(agents)));
    queries.put("fleet", i -> "/api/v1/fleet");
    queries.put("metrics", i -> "/metrics");
    for (var q : queries.entrySet()) {
      int n = q.getKey().equals("metrics") ? Math.max(5, samples / 10) : samples;
      for (int i = 0; i < 5; i++) {
        get(base + q.getValue().apply(i), token); // warm-up
      }
      long[] nanos = new long[n];
      long bytes = 0;
      for (int i = 0; i < n; i++) {
        String url = base + q.getValue().apply(i);
        long t0 = System.nanoTime();
        bytes += get(url, token);
        nanos[i] = System.nanoTime() - t0;
      }
      Arrays.sort(nanos);
      System.out.printf("%s_p50_ms %.2f%n", q.getKey(), nanos[n / 2] / 1e6);
      System.out.printf("%s_p99_ms %.2f%n", q.getKey(), nanos[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6);
      System.out.printf("%s_bytes %d%n", q.getKey(), bytes / n);
    }
  }

  long get(String url, String token) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).header("authorization", "Bearer " + token).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      failures.incrementAndGet();
      System.err.println("FleetLoad: GET " + url + ": " + r.statusCode() + " " + clip(new String(r.body())));
    }
    return r.body().length;
  }
}

/** The preload command: back-dated events through the coordinator's own decoder and store. */
final class Preload {
  static void run(String type, String where, Map<String, String> o) throws Exception {
    FleetLoad.Range range = FleetLoad.Range.of(o, 10_000);
    long from = range.from();
    long to = range.to();
    // The bench's coordinator keeps 31 days, so nothing preloaded is swept.
    java.time.Duration retention = FleetLoad.SPAN.plusDays(1);
    java.time.Clock clock = java.time.Clock.systemUTC();
    io.fleetrotate.proto.WireCodec codec = new io.fleetrotate.proto.WireCodec();
    long t0 = System.nanoTime();
    try (io.fleetrotate.coordinator.history.HistoryStore store =
        switch (type) {
          case "embedded" -> io.fleetrotate.coordinator.history.SqlHistoryStore.openEmbedded(
              java.nio.file.Path.of(where), retention, clock);
          case "postgres" -> io.fleetrotate.coordinator.history.SqlHistoryStore.openPostgres(
              where, o.getOrDefault("user", "fleetrotate"), null, 4, retention, clock);
          default -> throw new IllegalArgumentException(
              "preload: the store is embedded or postgres, not " + type);
        }) {
      java.util.ArrayDeque<java.util.concurrent.CompletableFuture<java.util.List<io.fleetrotate.proto.RotationEvent>>> flight =
          new java.util.ArrayDeque<>();
      long stored = 0;
      long nextReport = from + 1_000_000;
      for (long i = from; i < to; i += range.batch()) {
        long end = Math.min(to, i + range.batch());
        String json = range.batchAt(i);
        var decoded = codec.decodeEventBatch(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (!decoded.rejected().isEmpty()) {
          throw new IllegalStateException("preload: the codec refused " + decoded.rejected().get(0));
        }
        flight.add(store.append(decoded.events()));
        if (flight.size() >= range.concurrency()) {
          stored += flight.remove().get().size();
        }
        if (end >= nextReport) {
          System.err.printf(
              "preload: %d events written, %.0f events/s%n", end, (end - from) / ((System.nanoTime() - t0) / 1e9));
          nextReport += 1_000_000;
        }
      }
      while (!flight.isEmpty()) {
        stored += flight.remove().get().size();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("events %d%n", stored);
      System.out.printf("seconds %.3f%n", seconds);
      System.out.printf("events_per_s %.0f%n", stored / seconds);
    }
  }
}
