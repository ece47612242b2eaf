package io.fleetrotate.coordinator.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.fleetrotate.coordinator.history.Cursor;
import io.fleetrotate.coordinator.history.HistoryStore;
import io.fleetrotate.coordinator.history.TimeSlice;
import io.fleetrotate.proto.RotationEvent;
import io.fleetrotate.proto.WireCodec;
import io.fleetrotate.proto.WireFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a coordinator on the embedded store gets from a peer the events the peer holds and it lacks,
 * in memory bounded by one page, whatever the size of either history.
 *
 * <p>The two compare their stores by time slice: one hour of finish times per slice, each a count
 * and a digest of the finish times ({@link HistoryStore#slices}, read from the store's hour slices,
 * a row per hour, or within one hour from the time index). Equal slices are skipped. A slice that
 * differs, that this store holds some of and the peer more than a page of, is compared again by
 * minute, then by second; the rest are read from the peer a page ({@value #PAGE} events) at a time
 * after a cursor ({@link HistoryStore#slicePage}) and stored through {@code ingest}, which keeps
 * the events it did not hold (deduplicated by the unique time index) and counts them once. Each
 * exchange is one task run on the peer by a Hazelcast executor ({@link Slices}, {@link Page}),
 * which reads the peer's store from its member's user context. Only pulls: the peer pulls what only
 * this coordinator holds the same way, when it sees this one join.
 *
 * <p>Every exchange is bounded in work whatever the size of either history: the hourly comparison
 * reads about 720 rows of hour slices for 30 days; a narrower one scans the time index of one hour
 * at most; a page reads at most {@value #PAGE} events, entering the time index at its cursor. Cost
 * of a catch-up: a round trip per differing slice, and the differing slices' events once. A
 * catch-up that failed mid-way and is retried resumes where it stopped, without a cursor of its
 * own: the slices it stored compare equal now and are skipped, and the slice it stopped in is
 * narrowed again, so what is read twice is at most the slice of a page (or of one second) it was
 * reading.
 */
final class HistoryCatchUp {
  private static final Logger log = LoggerFactory.getLogger(HistoryCatchUp.class);

  /** Events per page read from a peer. */
  static final int PAGE = 1_000;

  static final String EXECUTOR = "fleetrotate-coordinator-catch-up";
  private static final Duration SLICE = Duration.ofHours(1);
  private static final Duration FINEST = Duration.ofSeconds(1);
  private static final int SPLIT = 60;
  private static final Instant END = Instant.ofEpochSecond(0, Long.MAX_VALUE);
  private static final String STORE = "fleetrotate.history";

  /** How long storing a page here may take. */
  private static final long INGEST_SECONDS = 120;

  private static final int FACTORY = 4_204_201;
  private static final int SLICES = 1;
  private static final int PAGE_TASK = 2;

  private final HazelcastInstance hazelcast;
  private final HistoryStore history;
  private final Function<List<RotationEvent>, CompletableFuture<List<RotationEvent>>> ingest;
  private final WireCodec codec = new WireCodec();
  private final AtomicLong longestCall = new AtomicLong();

  /**
   * What one or more pulls took from peers: slices that differed, events read (transferred) and
   * stored as new (added), and pages read.
   */
  record Exchange(long slicesDiffering, long transferred, long added, long pages) {
    Exchange plus(Exchange o) {
      return new Exchange(
          slicesDiffering + o.slicesDiffering,
          transferred + o.transferred,
          added + o.added,
          pages + o.pages);
    }

    static final Exchange NONE = new Exchange(0, 0, 0, 0);
  }

  HistoryCatchUp(
      HazelcastInstance hazelcast,
      HistoryStore history,
      Function<List<RotationEvent>, CompletableFuture<List<RotationEvent>>> ingest) {
    this.hazelcast = hazelcast;
    this.history = history;
    this.ingest = ingest;
  }

  /** The longest single exchange with a peer (answered or not) since this member started. */
  long longestCallNanos() {
    return longestCall.get();
  }

  /** Registers the tasks' serialization and their executor; before the member starts. */
  static void configure(Config config) {
    config
        .getSerializationConfig()
        .addDataSerializableFactory(
            FACTORY,
            id ->
                switch (id) {
                  case SLICES -> new Slices();
                  case PAGE_TASK -> new Page();
                  default -> null;
                });
    config.getExecutorConfig(EXECUTOR).setPoolSize(2).setStatisticsEnabled(false);
  }

  /** Lets peers read this member's store. */
  void serve() {
    hazelcast.getUserContext().put(STORE, history);
  }

  /**
   * Stores what {@code peer} holds finished at or after {@code since} that this store lacks.
   *
   * @param callTimeout how long one exchange with the peer may take: an exchange the peer does not
   *     answer (it lost the task, or its host is stalled) fails the catch-up after this, and the
   *     caller retries it
   * @return null if the peer does not serve its store yet (it is starting)
   * @throws PartialException if an exchange failed or took longer than {@code callTimeout} ({@link
   *     TimeoutException}), with what was taken before
   */
  Exchange pullFrom(Member peer, Instant since, Duration callTimeout) throws Exception {
    Walk walk = new Walk(peer, callTimeout);
    try {
      if (!reconcile(walk, since, END, SLICE)) {
        return null;
      }
      return walk.exchange();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new PartialException(e, walk.exchange());
    }
  }

  /** A pull that failed ({@link #getCause()}), with what it had taken before it failed. */
  static final class PartialException extends Exception {
    private final transient Exchange took;

    PartialException(Exception cause, Exchange took) {
      super(cause.getMessage(), cause);
      this.took = took;
    }

    Exchange took() {
      return took;
    }
  }

  /** One pull's running totals and its peer. */
  private static final class Walk {
    final Member peer;
    final Duration callTimeout;
    long differing;
    long transferred;
    long added;
    long pages;

    Walk(Member peer, Duration callTimeout) {
      this.peer = peer;
      this.callTimeout = callTimeout;
    }

    Exchange exchange() {
      return new Exchange(differing, transferred, added, pages);
    }
  }

  private boolean reconcile(Walk walk, Instant from, Instant to, Duration width) throws Exception {
    long[] theirs = call(walk, new Slices(from, to, width));
    if (theirs == null) {
      return false;
    }
    Map<Instant, TimeSlice> mine = new HashMap<>();
    for (TimeSlice s : history.slices(from, to, width)) {
      mine.put(s.start(), s);
    }
    for (int i = 0; i < theirs.length; i += 4) {
      TimeSlice slice =
          new TimeSlice(
              Instant.ofEpochSecond(theirs[i], theirs[i + 1]), theirs[i + 2], theirs[i + 3]);
      TimeSlice held = mine.get(slice.start());
      if (slice.equals(held)) {
        continue;
      }
      walk.differing++;
      Instant end = slice.start().plus(width);
      end = end.isAfter(to) ? to : end;
      // A slice this store has nothing of is read whole; one it shares is narrowed down first.
      boolean served =
          held != null && slice.count() > PAGE && width.compareTo(FINEST) > 0
              ? reconcile(walk, slice.start(), end, width.dividedBy(SPLIT))
              : pull(walk, slice.start(), end);
      if (!served) {
        return false;
      }
    }
    return true;
  }

  private boolean pull(Walk walk, Instant from, Instant to) throws Exception {
    Cursor after = null;
    while (true) {
      String[] page = call(walk, new Page(from, to, after));
      if (page == null) {
        return false;
      }
      List<RotationEvent> events = new ArrayList<>(page.length);
      for (String json : page) {
        try {
          events.add(codec.decodeEvent(json));
        } catch (WireFormatException e) {
          log.warn("skipping an unreadable event from a peer's history: {}", e.getMessage());
        }
      }
      walk.pages++;
      walk.transferred += page.length;
      if (!events.isEmpty()) {
        walk.added += ingest.apply(events).get(INGEST_SECONDS, TimeUnit.SECONDS).size();
        RotationEvent last = events.get(events.size() - 1);
        after = new Cursor(last.finishedAt(), last.eventId());
      }
      if (page.length < PAGE) {
        return true;
      }
    }
  }

  private <T> T call(Walk walk, Callable<T> task) throws Exception {
    long t0 = System.nanoTime();
    Future<T> answer = hazelcast.getExecutorService(EXECUTOR).submitToMember(task, walk.peer);
    try {
      return answer.get(walk.callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new TimeoutException(
          "member "
              + walk.peer.getAddress()
              + " did not answer within "
              + walk.callTimeout.toSeconds()
              + " s");
    } finally {
      longestCall.accumulateAndGet(System.nanoTime() - t0, Math::max);
    }
  }

  /** The member's store, or null before its coordinator serves it. */
  private static HistoryStore storeOf(HazelcastInstance member) {
    return (HistoryStore) member.getUserContext().get(STORE);
  }

  /** Runs on the peer: its slices of [from, to), four longs each (start s, ns, count, digest). */
  static final class Slices extends Task<long[]> {
    private long widthNanos;

    Slices() {}

    Slices(Instant from, Instant to, Duration width) {
      super(from, to);
      this.widthNanos = width.toNanos();
    }

    @Override
    public long[] call() {
      Duration width = Duration.ofNanos(widthNanos);
      // Whoever reaches the member port may send this task: bound its work and answer (a row of
      // the store's hour slices per hour of history, or a scan of one hour of the time index into
      // at most 3,600 slices) so that it cannot ask for a slice per event or a scan of the
      // history.
      boolean hourly =
          width.equals(SLICE)
              && from().getNano() == 0
              && Math.floorMod(from().getEpochSecond(), SLICE.toSeconds()) == 0;
      boolean withinAnHour =
          width.compareTo(FINEST) >= 0
              && width.compareTo(SLICE) <= 0
              && Duration.between(from(), to()).compareTo(SLICE) <= 0;
      if (!hourly && !withinAnHour) {
        throw new IllegalArgumentException(
            "a history slice is 1 h wide from a whole hour, or 1 s to 1 h wide within one hour");
      }
      HistoryStore store = storeOf(member);
      if (store == null) {
        return null;
      }
      List<TimeSlice> slices = store.slices(from(), to(), width);
      long[] flat = new long[slices.size() * 4];
      for (int i = 0; i < slices.size(); i++) {
        TimeSlice s = slices.get(i);
        flat[4 * i] = s.start().getEpochSecond();
        flat[4 * i + 1] = s.start().getNano();
        flat[4 * i + 2] = s.count();
        flat[4 * i + 3] = s.microsSum();
      }
      return flat;
    }

    @Override
    public int getClassId() {
      return SLICES;
    }

    @Override
    void write(ObjectDataOutput out) throws IOException {
      out.writeLong(widthNanos);
    }

    @Override
    void read(ObjectDataInput in) throws IOException {
      widthNanos = in.readLong();
    }
  }

  /** Runs on the peer: one page of its events of [from, to) after a cursor, as wire JSON. */
  static final class Page extends Task<String[]> {
    private Cursor after;

    Page() {}

    Page(Instant from, Instant to, Cursor after) {
      super(from, to);
      this.after = after;
    }

    @Override
    public String[] call() {
      HistoryStore store = storeOf(member);
      if (store == null) {
        return null;
      }
      WireCodec codec = new WireCodec();
      return store.slicePage(from(), to(), after, PAGE).stream()
          .map(e -> new String(codec.encode(e), StandardCharsets.UTF_8))
          .toArray(String[]::new);
    }

    @Override
    public int getClassId() {
      return PAGE_TASK;
    }

    @Override
    void write(ObjectDataOutput out) throws IOException {
      out.writeBoolean(after != null);
      if (after != null) {
        out.writeLong(after.finishedAt().getEpochSecond());
        out.writeInt(after.finishedAt().getNano());
        out.writeString(after.eventId().toString());
      }
    }

    @Override
    void read(ObjectDataInput in) throws IOException {
      if (in.readBoolean()) {
        Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
        after = new Cursor(at, UUID.fromString(in.readString()));
      }
    }
  }

  /**
   * A read of one range of the peer's store, serialized by this class's factory: no Java
   * serialization, so the member's class filter stays as it is.
   */
  abstract static class Task<T>
      implements Callable<T>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private long fromSeconds;
    private int fromNanos;
    private long toSeconds;
    private int toNanos;
    transient HazelcastInstance member;

    Task() {}

    Task(Instant from, Instant to) {
      this.fromSeconds = from.getEpochSecond();
      this.fromNanos = from.getNano();
      this.toSeconds = to.getEpochSecond();
      this.toNanos = to.getNano();
    }

    Instant from() {
      return Instant.ofEpochSecond(fromSeconds, fromNanos);
    }

    Instant to() {
      return Instant.ofEpochSecond(toSeconds, toNanos);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
      this.member = member;
    }

    @Override
    public int getFactoryId() {
      return FACTORY;
    }

    @Override
    public final void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(fromSeconds);
      out.writeInt(fromNanos);
      out.writeLong(toSeconds);
      out.writeInt(toNanos);
      write(out);
    }

    @Override
    public final void readData(ObjectDataInput in) throws IOException {
      fromSeconds = in.readLong();
      fromNanos = in.readInt();
      toSeconds = in.readLong();
      toNanos = in.readInt();
      read(in);
    }

    abstract void write(ObjectDataOutput out) throws IOException;

    abstract void read(ObjectDataInput in) throws IOException;
  }
}
