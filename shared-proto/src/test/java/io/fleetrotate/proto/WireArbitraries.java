package io.fleetrotate.proto;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators of valid wire records, covering every field's whole allowed range. */
final class WireArbitraries {
  private WireArbitraries() {}

  static Arbitrary<String> protocolVersions() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.just(ProtocolVersion.CURRENT)),
        Tuple.of(1, Arbitraries.integers().between(0, 999_999_999).map(minor -> "1." + minor)));
  }

  /**
   * Non-blank text up to {@code maxLength} chars: mostly plain, sometimes any Unicode without
   * control characters (paired surrogates included), never an id that is a path segment.
   */
  static Arbitrary<String> texts(int maxLength) {
    Arbitrary<String> plain =
        Arbitraries.strings()
            .alpha()
            .numeric()
            .withChars("/-_. ")
            .ofMinLength(1)
            .ofMaxLength(Math.min(maxLength, 40));
    Arbitrary<String> anything = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(maxLength);
    return Arbitraries.frequencyOf(Tuple.of(3, plain), Tuple.of(1, anything))
        .filter(text -> !text.isBlank())
        .filter(text -> Rules.characterProblem(text, false) == null)
        .filter(text -> !text.equals(".") && !text.equals(".."));
  }

  static Arbitrary<String> optionalTexts(int maxLength) {
    return texts(maxLength).injectNull(0.3);
  }

  static Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds =
        Arbitraries.longs().between(Rules.EARLIEST.getEpochSecond(), Rules.LATEST.getEpochSecond());
    Arbitrary<Integer> nanos =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(0)),
            Tuple.of(2, Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000)),
            Tuple.of(1, Arbitraries.integers().between(0, 999_999_999)));
    return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
  }

  static Arbitrary<Long> nonNegativeLongs() {
    return Arbitraries.longs().between(0, Long.MAX_VALUE);
  }

  /** Any finite double, from friendly decimals to arbitrary bit patterns. */
  static Arbitrary<Double> finiteDoubles() {
    return Arbitraries.oneOf(
        Arbitraries.doubles().between(-1e9, 1e9),
        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite),
        Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE));
  }

  static Arbitrary<UUID> uuids() {
    return Arbitraries.longs().tuple2().map(bits -> new UUID(bits.get1(), bits.get2()));
  }

  static Arbitrary<DiskUsage> disks() {
    return nonNegativeLongs()
        .flatMap(
            total ->
                Combinators.combine(
                        texts(WireLimits.MAX_PATH_LENGTH), Arbitraries.longs().between(0, total))
                    .as((mount, used) -> new DiskUsage(mount, total, used)));
  }

  static Arbitrary<FileStatus> files() {
    return Combinators.combine(
            texts(WireLimits.MAX_PATH_LENGTH),
            nonNegativeLongs(),
            finiteDoubles(),
            Arbitraries.integers().between(0, Integer.MAX_VALUE),
            nonNegativeLongs(),
            instants().injectNull(0.3),
            Arbitraries.of(Result.class).injectNull(0.3))
        .as(FileStatus::new);
  }

  static Arbitrary<NodeHeartbeat> heartbeats() {
    return Combinators.combine(
            protocolVersions(),
            texts(WireLimits.MAX_ID_LENGTH),
            texts(WireLimits.MAX_ID_LENGTH),
            texts(WireLimits.MAX_ID_LENGTH),
            instants(),
            disks().list().ofMaxSize(4),
            files().list().ofMaxSize(6))
        .as(
            (version, node, group, agent, sentAt, disks, files) ->
                new NodeHeartbeat(version, node, group, agent, sentAt, disks, files, null));
  }

  private record Identity(
      String protocolVersion, UUID eventId, String nodeId, String group, String path) {}

  private record Timing(Trigger trigger, Instant startedAt, Instant finishedAt) {}

  private record Outcome(Result result, FailureReason reason, String message) {}

  private record Cost(
      long bytesBefore,
      long bytesAfter,
      String codec,
      String lockBackend,
      long lockWaitMs,
      long fencingToken) {}

  static Arbitrary<RotationEvent> events() {
    Arbitrary<Identity> identity =
        Combinators.combine(
                protocolVersions(),
                uuids(),
                texts(WireLimits.MAX_ID_LENGTH),
                texts(WireLimits.MAX_ID_LENGTH),
                texts(WireLimits.MAX_PATH_LENGTH))
            .as(Identity::new);
    Arbitrary<Timing> timing =
        Combinators.combine(
                Arbitraries.of(Trigger.class),
                instants(),
                Arbitraries.longs().between(0, 86_400_000_000_000L))
            .as(
                (trigger, start, nanos) -> {
                  Instant finish = start.plusNanos(nanos);
                  return new Timing(
                      trigger, start, finish.isAfter(Rules.LATEST) ? Rules.LATEST : finish);
                });
    Arbitrary<Outcome> outcome =
        Arbitraries.of(Result.class)
            .flatMap(
                result ->
                    Combinators.combine(
                            result == Result.FAILED
                                ? Arbitraries.of(FailureReason.class)
                                : Arbitraries.just((FailureReason) null),
                            optionalTexts(WireLimits.MAX_MESSAGE_LENGTH))
                        .as((reason, message) -> new Outcome(result, reason, message)));
    Arbitrary<Cost> cost =
        Combinators.combine(
                nonNegativeLongs(),
                nonNegativeLongs(),
                texts(WireLimits.MAX_SHORT_NAME_LENGTH),
                texts(WireLimits.MAX_SHORT_NAME_LENGTH),
                Arbitraries.longs().between(0, WireLimits.MAX_DURATION_MILLIS),
                nonNegativeLongs())
            .as(Cost::new);
    return Combinators.combine(identity, timing, outcome, cost)
        .as(
            (id, time, out, c) ->
                new RotationEvent(
                    id.protocolVersion(),
                    id.eventId(),
                    id.nodeId(),
                    id.group(),
                    id.path(),
                    time.trigger(),
                    time.startedAt(),
                    time.finishedAt(),
                    out.result(),
                    out.reason(),
                    out.message(),
                    c.bytesBefore(),
                    c.bytesAfter(),
                    c.codec(),
                    c.lockBackend(),
                    c.lockWaitMs(),
                    c.fencingToken()));
  }

  static Arbitrary<List<RotationEvent>> eventBatches() {
    return events().list().ofMaxSize(4);
  }

  static Arbitrary<Command> commands() {
    return Combinators.combine(
            uuids(), Arbitraries.of(CommandType.class), optionalTexts(WireLimits.MAX_PATH_LENGTH))
        .as(Command::new);
  }

  static Arbitrary<HeartbeatReply> replies() {
    return Combinators.combine(protocolVersions(), instants(), commands().list().ofMaxSize(5))
        .as(HeartbeatReply::new);
  }

  static Arbitrary<EventAck> acks() {
    return uuids().list().ofMaxSize(10).map(EventAck::new);
  }
}
