package io.fleetrotate.chaos.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network namespaces for a fleet's agents, made with iproute2 (root only): in the root namespace a
 * bridge {@code fr<pid>b} holding the services' address 10.213.K.1/24, and per agent a namespace
 * {@code fr<pid>n<i>} joined to the bridge by a veth pair ({@code fr<pid>h<i>} on the bridge,
 * {@code fr<pid>p<i>} inside, 10.213.K.(10+i)/24). K is a /24 no interface of this host uses yet,
 * searched from the pid on, so parallel runs do not share a subnet; the pid in every name lets a
 * later run tell the leftovers of a dead run from those of a live one.
 *
 * <p>Faults: a cut (the bridge port down, or a blackhole qdisc on both ends of the veth pair), a
 * lossy link (netem on both ends where the kernel has it, else random drops with nftables inside
 * the namespace) and a block of one service port (nftables inside the namespace). Each fault is
 * remembered until healed, so {@link #healAll()} can undo whatever is left; {@link #close()} (also
 * run by a shutdown hook) deletes everything this network made.
 */
final class NamespaceNetwork implements AutoCloseable {
  /** Names this class makes: fr, the harness's pid, then b (bridge), h, p or n and the slot. */
  static final Pattern OURS = Pattern.compile("fr(\\d+)([bhpnx])(\\d*)");

  private static final String PREFIX = "fr";
  private static final int FIRST_HOST = 10;
  private static final long COMMAND_SECONDS = 20;
  private static final String NFT_TABLE = "fleetrotate";

  /**
   * One agent's place in the network.
   *
   * @param index 1-based
   * @param netns the namespace
   * @param hostVeth the veth end on the bridge, in the root namespace
   * @param nsVeth the veth end inside the namespace
   * @param address the agent's address inside the namespace
   */
  record Slot(int index, String netns, String hostVeth, String nsVeth, String address) {}

  /** How a cut is made. */
  enum Cut {
    /** The bridge port (the host end of the veth pair) set down: the agent's link loses carrier. */
    LINK_DOWN,
    /** A blackhole qdisc on both ends of the veth pair: every packet dropped, link up. */
    BLACKHOLE
  }

  private static final Object OPEN_LOCK = new Object();
  private static NamespaceNetwork open;

  private final Tools tools;
  private final long pid;
  private final String subnet;
  private final String bridge;
  private final List<Slot> slots;
  private final Map<String, Slot> byNode = new LinkedHashMap<>();
  private final boolean nft;
  private final Consumer<String> log;
  private final Thread shutdownHook;

  // Faults in place, guarded by this.
  private final Set<Slot> linksDown = new LinkedHashSet<>();
  private final Set<Slot> qdiscs = new LinkedHashSet<>();
  private final Set<Slot> nftTables = new LinkedHashSet<>();
  private boolean netem;
  private boolean closed;

  /** iproute2's ip and tc, and nft if installed. */
  record Tools(Path ip, Path tc, Optional<Path> nft) {
    static Optional<Tools> find() {
      Optional<Path> ip = binary("ip");
      Optional<Path> tc = binary("tc");
      if (ip.isEmpty() || tc.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Tools(ip.get(), tc.get(), binary("nft")));
    }

    private static Optional<Path> binary(String name) {
      List<String> dirs = new ArrayList<>();
      String path = System.getenv("PATH");
      if (path != null) {
        dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
      }
      // Root's sbin directories are often missing from a user's PATH.
      dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
      for (String dir : dirs) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
      return Optional.empty();
    }
  }

  private NamespaceNetwork(Tools tools, long pid, int k, int agents, Consumer<String> log) {
    this.tools = tools;
    this.pid = pid;
    this.subnet = "10.213." + k;
    this.bridge = name(pid, 'b', 0);
    List<Slot> s = new ArrayList<>();
    for (int i = 1; i <= agents; i++) {
      s.add(
          new Slot(
              i,
              name(pid, 'n', i),
              name(pid, 'h', i),
              name(pid, 'p', i),
              subnet + "." + (FIRST_HOST + i)));
    }
    this.slots = List.copyOf(s);
    this.nft = tools.nft().isPresent();
    this.log = log;
    this.shutdownHook = new Thread(this::teardown, "netns-teardown");
  }

  /**
   * A name this class makes: {@code fr}, the harness's pid, the kind (b bridge, n namespace, h and
   * p the veth ends, x a probe) and the slot (none for 0). At most 11 characters with 8 agents
   * (pids have at most 7 digits), within the kernel's 15 for an interface.
   */
  static String name(long pid, char kind, int slot) {
    return PREFIX + pid + kind + (slot == 0 ? "" : Integer.toString(slot));
  }

  /**
   * Why namespaces cannot be made here, in one sentence; empty when they can (root, iproute2, and a
   * namespace and a bridge could be made and deleted again).
   */
  static Optional<String> cannotRun() {
    if (effectiveUid() != 0) {
      return Optional.of(
          "needs root to make network namespaces and veth pairs (ip netns); the network-faults"
              + " scenario injects partitions through fault proxies without root");
    }
    Optional<Tools> tools = Tools.find();
    if (tools.isEmpty()) {
      return Optional.of("iproute2's ip and tc are not installed (apt-get install iproute2)");
    }
    String probe = name(ProcessHandle.current().pid(), 'x', 0);
    Tools t = tools.get();
    Result ns = run(List.of(t.ip().toString(), "netns", "add", probe));
    run(List.of(t.ip().toString(), "netns", "del", probe));
    if (!ns.ok()) {
      return Optional.of("ip netns add failed (" + ns.output() + "); it needs CAP_NET_ADMIN");
    }
    Result br = run(List.of(t.ip().toString(), "link", "add", probe, "type", "bridge"));
    run(List.of(t.ip().toString(), "link", "del", probe));
    if (!br.ok()) {
      return Optional.of("this kernel cannot make a bridge (" + br.output() + ")");
    }
    return Optional.empty();
  }

  /**
   * Makes the network for {@code agents} agents, after removing what dead runs left; on failure
   * deletes what it made and throws.
   */
  static NamespaceNetwork create(int agents, Consumer<String> log) {
    Tools tools =
        Tools.find().orElseThrow(() -> new IllegalStateException("iproute2 is not installed"));
    long pid = ProcessHandle.current().pid();
    synchronized (OPEN_LOCK) {
      if (open != null) {
        throw new IllegalStateException("one namespace network per harness at a time");
      }
      List<String> stale = removeStale(tools, pid);
      if (!stale.isEmpty()) {
        log.accept("removed leftovers of earlier runs: " + String.join(", ", stale));
      }
      NamespaceNetwork net = new NamespaceNetwork(tools, pid, freeSubnet(tools, pid), agents, log);
      Runtime.getRuntime().addShutdownHook(net.shutdownHook);
      open = net;
      try {
        net.build();
        net.netem = net.probeNetem();
        return net;
      } catch (RuntimeException e) {
        net.close();
        throw e;
      }
    }
  }

  private void build() {
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", serviceAddress() + "/24", "dev", bridge);
    ip("link", "set", bridge, "up");
    for (Slot s : slots) {
      ip("netns", "add", s.netns());
      ip("link", "add", s.hostVeth(), "type", "veth", "peer", "name", s.nsVeth());
      ip("link", "set", s.nsVeth(), "netns", s.netns());
      ip("link", "set", s.hostVeth(), "master", bridge);
      ip("link", "set", s.hostVeth(), "up");
      ip("-n", s.netns(), "addr", "add", s.address() + "/24", "dev", s.nsVeth());
      ip("-n", s.netns(), "link", "set", s.nsVeth(), "up");
      ip("-n", s.netns(), "link", "set", "lo", "up");
    }
  }

  /** Whether the kernel has netem (many minimal kernels do not). */
  private boolean probeNetem() {
    String dev = slots.get(0).hostVeth();
    boolean ok =
        run(List.of(
                tools.tc().toString(), "qdisc", "add", "dev", dev, "root", "netem", "delay", "1ms"))
            .ok();
    if (ok) {
      run(List.of(tools.tc().toString(), "qdisc", "del", "dev", dev, "root"));
    }
    return ok;
  }

  /** The services' address on the bridge, which every agent reaches. */
  String serviceAddress() {
    return subnet + ".1";
  }

  /** A one-line description of the layout, for the fault log. */
  String layout() {
    return "bridge "
        + bridge
        + " "
        + serviceAddress()
        + "/24 (Redis, coordinator); "
        + slots.stream()
            .map(s -> s.netns() + " " + s.address() + " via " + s.hostVeth() + "/" + s.nsVeth())
            .reduce((a, b) -> a + ", " + b)
            .orElse("");
  }

  synchronized boolean hasNetem() {
    return netem;
  }

  boolean hasNft() {
    return nft;
  }

  /** The slot of {@code nodeId}: the next free one at its first call, the same one after. */
  synchronized Slot slot(String nodeId) {
    Slot s = byNode.get(nodeId);
    if (s == null) {
      if (byNode.size() == slots.size()) {
        throw new IllegalStateException("no namespace left for " + nodeId);
      }
      s = slots.get(byNode.size());
      byNode.put(nodeId, s);
    }
    return s;
  }

  /** The command prefix that runs a process inside the slot's namespace (exec keeps the pid). */
  List<String> launcher(Slot s) {
    return List.of(tools.ip().toString(), "netns", "exec", s.netns());
  }

  /** Cuts the slot off the bridge. */
  synchronized void cut(Slot s, Cut how) {
    if (how == Cut.LINK_DOWN) {
      linksDown.add(s);
      ip("link", "set", s.hostVeth(), "down");
    } else {
      qdiscs.add(s);
      tc(null, "qdisc", "replace", "dev", s.hostVeth(), "root", "blackhole");
      tc(s, "qdisc", "replace", "dev", s.nsVeth(), "root", "blackhole");
    }
  }

  /**
   * Makes the slot's link lossy: with netem, {@code delayMillis} and {@code lossPercent} on both
   * ends; without, {@code lossPercent} random drops each way by nftables (no added delay).
   *
   * @return what was done, for the fault log
   */
  synchronized String lossy(Slot s, int delayMillis, int lossPercent) {
    if (netem) {
      qdiscs.add(s);
      String[] args = {"root", "netem", "delay", delayMillis + "ms", "loss", lossPercent + "%"};
      tc(null, concat(List.of("qdisc", "replace", "dev", s.hostVeth()), args));
      tc(s, concat(List.of("qdisc", "replace", "dev", s.nsVeth()), args));
      return "netem delay " + delayMillis + "ms loss " + lossPercent + "% on both ends";
    }
    if (!nft) {
      throw new IllegalStateException("neither netem nor nft: no lossy link");
    }
    String drop = "numgen random mod 100 < " + lossPercent + " drop";
    nftTable(
        s,
        "  chain in { type filter hook input priority 0; " + drop + "; }\n",
        "  chain out { type filter hook output priority 0; " + drop + "; }\n");
    return lossPercent
        + "% of packets dropped each way (nftables; this kernel has no netem, so no added delay)";
  }

  /** Drops the slot's traffic to and from {@code port} of the services' address (nftables). */
  synchronized void block(Slot s, int port) {
    String svc = "ip daddr " + serviceAddress() + " tcp dport " + port + " drop";
    String back = "ip saddr " + serviceAddress() + " tcp sport " + port + " drop";
    nftTable(
        s,
        "  chain in { type filter hook input priority 0; " + back + "; }\n",
        "  chain out { type filter hook output priority 0; " + svc + "; }\n");
  }

  private void nftTable(Slot s, String... chains) {
    nftTables.add(s);
    String rules = "table inet " + NFT_TABLE + " {\n" + String.join("", chains) + "}\n";
    List<String> cmd = new ArrayList<>(launcher(s));
    cmd.addAll(List.of(tools.nft().orElseThrow().toString(), "-f", "-"));
    check(cmd, run(cmd, rules));
  }

  /** Undoes every fault on the slot. */
  synchronized void heal(Slot s) {
    if (linksDown.remove(s)) {
      ip("link", "set", s.hostVeth(), "up");
    }
    if (qdiscs.remove(s)) {
      tc(null, "qdisc", "del", "dev", s.hostVeth(), "root");
      tc(s, "qdisc", "del", "dev", s.nsVeth(), "root");
    }
    if (nftTables.remove(s)) {
      List<String> cmd = new ArrayList<>(launcher(s));
      cmd.addAll(
          List.of(tools.nft().orElseThrow().toString(), "delete", "table", "inet", NFT_TABLE));
      check(cmd, run(cmd));
    }
  }

  /** Undoes every fault still in place (best effort: one failure does not stop the rest). */
  synchronized void healAll() {
    for (Slot s : slots) {
      try {
        heal(s);
      } catch (RuntimeException e) {
        log.accept("could not heal " + s.netns() + ": " + e.getMessage());
      }
    }
  }

  /** Deletes the namespaces, the veth pairs and the bridge (with their qdiscs and rules). */
  @Override
  public void close() {
    teardown();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs or ran.
    }
    synchronized (OPEN_LOCK) {
      if (open == this) {
        open = null;
      }
    }
  }

  private synchronized void teardown() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> left = new ArrayList<>();
    for (Slot s : slots) {
      // Deleting one end deletes the pair, even while a process still holds the namespace.
      run(List.of(tools.ip().toString(), "link", "del", s.hostVeth()));
      run(List.of(tools.ip().toString(), "netns", "del", s.netns()));
    }
    run(List.of(tools.ip().toString(), "link", "del", bridge));
    for (String name : ourNames(tools)) {
      Matcher m = OURS.matcher(name);
      if (m.matches() && Long.parseLong(m.group(1)) == pid) {
        left.add(name);
      }
    }
    if (!left.isEmpty()) {
      log.accept("could not delete " + String.join(", ", left) + "; remove them by hand");
    }
  }

  /**
   * Deletes the namespaces and links named by this class whose harness is gone (and those of this
   * harness, which has no network open when it makes one).
   */
  static List<String> removeStale(Tools tools, long self) {
    List<String> removed = new ArrayList<>();
    for (String name : ourNames(tools)) {
      Matcher m = OURS.matcher(name);
      if (!m.matches()) {
        continue;
      }
      long owner = Long.parseLong(m.group(1));
      boolean alive = ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
      if (owner != self && alive) {
        continue;
      }
      if (m.group(2).equals("n") || m.group(2).equals("x")) {
        run(List.of(tools.ip().toString(), "netns", "del", name));
      }
      run(List.of(tools.ip().toString(), "link", "del", name));
      removed.add(name);
    }
    return removed;
  }

  /** Links of the root namespace, then namespaces, whose names this class could have made. */
  private static List<String> ourNames(Tools tools) {
    List<String> names = new ArrayList<>();
    for (String line : run(List.of(tools.ip().toString(), "-o", "link", "show")).lines()) {
      // "12: fr123h1@if11: <BROADCAST,...": the name, without the peer suffix.
      String[] f = line.split(":\\s+", 3);
      if (f.length >= 2) {
        names.add(f[1].replaceFirst("@.*$", ""));
      }
    }
    for (String line : run(List.of(tools.ip().toString(), "netns", "list")).lines()) {
      // "fr123n1 (id: 3)"
      names.add(line.strip().split("\\s+")[0]);
    }
    return names.stream().filter(n -> OURS.matcher(n).matches()).distinct().toList();
  }

  /** The first /24 of 10.213.0.0/16, from the pid on, that no interface of this host uses. */
  private static int freeSubnet(Tools tools, long pid) {
    String addrs = run(List.of(tools.ip().toString(), "-o", "-4", "addr", "show")).output();
    String routes = run(List.of(tools.ip().toString(), "-4", "route", "show")).output();
    for (int i = 0; i < 256; i++) {
      int k = (int) ((pid + i) % 256);
      String net = "10.213." + k + ".";
      if (!addrs.contains(net) && !routes.contains(net)) {
        return k;
      }
    }
    throw new IllegalStateException("every /24 of 10.213.0.0/16 is in use on this host");
  }

  private static int effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.split("\\s+")[2]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or no /proc: go by the user name.
    }
    return "root".equals(System.getProperty("user.name")) ? 0 : -1;
  }

  private void ip(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tools.ip().toString());
    cmd.addAll(List.of(args));
    check(cmd, run(cmd));
  }

  /** tc in the root namespace ({@code in} null) or inside {@code in}'s namespace. */
  private void tc(Slot in, String... args) {
    List<String> cmd = new ArrayList<>();
    if (in != null) {
      cmd.addAll(launcher(in));
    }
    cmd.add(tools.tc().toString());
    cmd.addAll(List.of(args));
    check(cmd, run(cmd));
  }

  private static String[] concat(List<String> head, String[] tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all.toArray(String[]::new);
  }

  private static void check(List<String> cmd, Result r) {
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.output());
    }
  }

  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }

    List<String> lines() {
      return output.isEmpty() ? List.of() : output.lines().toList();
    }
  }

  private static Result run(List<String> cmd) {
    return run(cmd, null);
  }

  /**
   * Runs a command to its end (bounded), even when the thread is interrupted: a heal or a clean-up
   * must not be skipped because the scenario's time ran out. The interrupt is kept for the caller.
   */
  private static Result run(List<String> cmd, String stdin) {
    boolean interrupted = Thread.interrupted();
    Path out = null;
    try {
      out = Files.createTempFile("fleetrotate-netns-", ".out");
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()))
              .start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_SECONDS);
      while (true) {
        try {
          if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out after " + COMMAND_SECONDS + " s");
          }
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return new Result(p.exitValue(), Files.readString(out).strip());
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // A temporary file left in /tmp.
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
