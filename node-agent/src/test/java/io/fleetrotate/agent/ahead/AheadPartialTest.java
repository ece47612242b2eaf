package io.fleetrotate.agent.ahead;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.compress.CompressionRequest;
import io.fleetrotate.agent.compress.CompressionResult;
import io.fleetrotate.agent.compress.Compressor;
import io.fleetrotate.agent.rotate.live.FileHandle;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The partial on real files, decoded by the real {@code zstd} and {@code gzip} command lines. */
class AheadPartialTest {
  private static final int SPAN = 64 * 1024;

  @TempDir Path dir;

  private final CompressionRequest zstd = CompressionRequest.zstd(3);

  private static byte[] lines(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append("{\"seq\":")
          .append(i)
          .append(",\"msg\":\"tool call completed in ")
          .append(i % 97)
          .append(" ms\"}\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private AheadPartial partial(Path live) {
    return new AheadPartial(live, live.getParent(), new Compressor(), SPAN);
  }

  /** Advances until caught up; returns the frames added. */
  private static int catchUp(AheadPartial p, CompressionRequest r) throws IOException {
    int frames = 0;
    while (p.advance(r)) {
      frames++;
    }
    return frames;
  }

  private static byte[] decode(Codec codec, Path file) throws Exception {
    String tool = codec == Codec.ZSTD ? "zstd" : "gzip";
    Process p = new ProcessBuilder(tool, "-dc", file.toString()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(tool + " -dc " + file).isZero();
    return out;
  }

  private Optional<CompressionResult> handOver(
      AheadPartial p, Path source, Path tmp, CompressionRequest r) throws IOException {
    try (FileHandle src = FileHandle.openForReading(source)) {
      return p.handOver(src::read, src.opened().identity(), src.size(), tmp, r);
    }
  }

  /**
   * Two agents watching one log (replicas on a shared volume) each keep a partial of their own: one
   * agent's background writer never writes into the partial the other hands over, and each
   * hand-over decodes to exactly the log.
   */
  @Test
  void agentsSharingALogKeepPartialsOfTheirOwn() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 9000));
    AheadPartial first = new AheadPartial(live, dir.resolve("agent-1"), new Compressor(), SPAN);
    AheadPartial second = new AheadPartial(live, dir.resolve("agent-2"), new Compressor(), SPAN);
    assertThat(first.header()).isNotEqualTo(second.header());
    assertThat(first.data(zstd)).isNotEqualTo(second.data(zstd));
    assertThat(AheadPartial.isPartialFile(first.data(zstd).getFileName().toString())).isTrue();

    assertThat(catchUp(first, zstd)).isPositive();
    Files.write(live, lines(9000, 12000), StandardOpenOption.APPEND);
    assertThat(catchUp(second, zstd)).isPositive();
    assertThat(catchUp(first, zstd)).isPositive();

    Path fromSecond = dir.resolve("second.zst.tmp");
    assertThat(handOver(second, live, fromSecond, zstd)).isPresent();
    assertThat(decode(Codec.ZSTD, fromSecond)).isEqualTo(Files.readAllBytes(live));
    assertThat(first.data(zstd)).as("the other agent's partial is untouched").exists();
    Path fromFirst = dir.resolve("first.zst.tmp");
    assertThat(handOver(first, live, fromFirst, zstd)).isPresent();
    assertThat(decode(Codec.ZSTD, fromFirst)).isEqualTo(Files.readAllBytes(live));
  }

  /**
   * The daemon keeps one partial per log across passes, and a pass over a log that has not grown a
   * frame is two stats: the partial says it is idle. It is not idle once a frame is whole, once a
   * rotation handed the partial over (its header is gone) or the log was replaced, so the new log's
   * partial begins as soon as its first frame is whole.
   */
  @Test
  void anIdlePartialLooksAgainOnceAFrameIsWholeOrTheLogWasRotated() throws Exception {
    byte[] frame = lines(0, 9000);
    Path live = Files.write(dir.resolve("server.log"), Arrays.copyOf(frame, SPAN + 100));
    AheadPartial p = partial(live);
    assertThat(p.advance(zstd)).isTrue();
    assertThat(p.advance(zstd)).isFalse();
    assertThat(p.idle()).isTrue();
    Files.write(
        live, Arrays.copyOfRange(frame, SPAN + 100, 2 * SPAN - 1), StandardOpenOption.APPEND);
    assertThat(p.idle()).as("grown, but not by a whole frame").isTrue();
    Files.write(live, Arrays.copyOfRange(frame, 2 * SPAN - 1, 2 * SPAN), StandardOpenOption.APPEND);
    assertThat(p.idle()).as("the second frame is whole").isFalse();
    assertThat(p.advance(zstd)).isTrue();
    assertThat(p.advance(zstd)).isFalse();
    assertThat(p.idle()).isTrue();

    Path tmp = dir.resolve("server.log.1.zst.tmp");
    assertThat(handOver(partial(live), live, tmp, zstd)).isPresent(); // a rotation's own instance
    assertThat(p.idle()).as("the header went with the hand-over").isFalse();
    Files.move(live, dir.resolve("server.log.1"));
    Files.write(live, Arrays.copyOf(frame, 100));
    assertThat(p.advance(zstd)).isFalse();
    assertThat(p.idle()).isTrue();
    Files.write(live, Arrays.copyOfRange(frame, 100, SPAN), StandardOpenOption.APPEND);
    assertThat(p.idle()).as("the new log's first frame is whole").isFalse();
    assertThat(p.advance(zstd)).isTrue();
    assertThat(decode(Codec.ZSTD, p.data(zstd))).isEqualTo(Arrays.copyOf(frame, SPAN));

    Files.delete(live);
    assertThat(p.idle()).as("a log that is gone is looked at (and found gone)").isFalse();
    assertThat(p.advance(zstd)).isFalse();
  }

  /**
   * Another agent collapses the shared log (the first frame's bytes leave it, the inode stays)
   * while this one reads the next frame, slowed to about 4 s: that frame holds bytes from before
   * and after the cut and its last block matches the shifted log, so only the blocks on both sides
   * of the read, checked again after it, show the change. The partial is discarded, never handed
   * over.
   */
  @Test
  void aCollapseByAnotherAgentWhileAFrameIsReadDiscardsThePartial() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 9000));
    AheadPartial p = partial(live);
    assertThat(p.advance(zstd)).isTrue();
    Thread otherAgent =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
                byte[] all = Files.readAllBytes(live);
                try (RandomAccessFile f = new RandomAccessFile(live.toFile(), "rw")) {
                  f.write(all, SPAN, all.length - SPAN);
                  f.setLength(all.length - SPAN);
                }
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    otherAgent.start();
    boolean added = p.advance(zstd.withMaxBytesPerSecond(SPAN / 4));
    otherAgent.join();

    assertThat(added).as("a frame read across another agent's cut is not kept").isFalse();
    assertThat(p.header()).doesNotExist();
    assertThat(handOver(p, live, dir.resolve("server.log.1.zst.tmp"), zstd)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = Codec.class,
      names = {"ZSTD", "GZIP"})
  void thePartialPlusTheTailDecodesWithTheCliToExactlyTheRotatedBytes(Codec codec)
      throws Exception {
    CompressionRequest request = CompressionRequest.of(codec);
    Path live = Files.write(dir.resolve("server.log"), lines(0, 6000));
    AheadPartial p = partial(live);
    int frames = catchUp(p, request);
    assertThat(frames).isEqualTo((int) (Files.size(live) / SPAN));
    assertThat(p.data(request)).exists();
    // The tail, not covered yet: several spans, compressed frame after frame on one kept context.
    Files.write(live, lines(6000, 12000), StandardOpenOption.APPEND);

    Path tmp = dir.resolve("server.log.1" + codec.fileExtension() + ".tmp");
    Optional<CompressionResult> r = handOver(p, live, tmp, request);

    assertThat(r).isPresent();
    byte[] expected = Files.readAllBytes(live);
    assertThat(r.get().bytesIn()).isEqualTo(expected.length);
    assertThat(r.get().bytesOut()).isEqualTo(Files.size(tmp));
    assertThat(decode(codec, tmp)).isEqualTo(expected);
    assertThat(p.data(request)).as("handed over, not copied").doesNotExist();
    assertThat(p.header()).doesNotExist();
  }

  /**
   * Falling behind is the log growing by a span or more while one span is compressed, with spans
   * still uncovered: a large backlog that shrinks frame by frame is not, nor a look that added no
   * frame. The frame is slowed to about a quarter of a second while a writer appends two spans
   * every 20 ms.
   */
  @Test
  void aPartialFallsBehindOnlyWhileTheLogOutgrowsItsFrames() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 30_000)); // 22 spans
    AheadPartial p = partial(live);
    assertThat(p.fallingBehind(4)).as("before any frame").isFalse();
    assertThat(p.advance(zstd)).isTrue();
    assertThat(p.fallingBehind(4)).as("many spans left, but one fewer than before").isFalse();

    byte[] twoSpans = Arrays.copyOf(lines(30_000, 40_000), 2 * SPAN);
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 150 && !stop.get(); i++) { // 3 s at most
                  Files.write(live, twoSpans, StandardOpenOption.APPEND);
                  Thread.sleep(20);
                }
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();
    try {
      assertThat(p.advance(zstd.withMaxBytesPerSecond(4L * SPAN))).isTrue();
    } finally {
      stop.set(true);
      writer.join();
    }
    assertThat(p.fallingBehind(4)).as("grown by spans while one was compressed").isTrue();
    assertThat(p.fallingBehind(10_000)).as("fewer spans left than asked").isFalse();

    catchUp(p, zstd);
    assertThat(p.fallingBehind(0)).as("the last look added no frame").isFalse();
  }

  /**
   * After an upgrade from the release that named partials without the agent ({@code
   * .<log>.fleetrotate-partial.{zst,gz,json}}), beginning this agent's own partial deletes those
   * exact names: a symbolic link is unlinked (its target stays), a directory is left alone, another
   * agent's partial is untouched. A partial that has begun does not look again.
   */
  @Test
  void beginningAPartialDeletesThePartialNamedByTheEarlierRelease() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 6000));
    Path oldFrames = Files.write(dir.resolve(".server.log.fleetrotate-partial.zst"), lines(0, 10));
    Path target = Files.write(dir.resolve("not-a-partial.json"), lines(0, 1));
    Path oldHeader =
        Files.createSymbolicLink(dir.resolve(".server.log.fleetrotate-partial.json"), target);
    Path oldDirectory = Files.createDirectory(dir.resolve(".server.log.fleetrotate-partial.gz"));
    Path otherAgent =
        Files.write(dir.resolve(".server.log.fleetrotate-partial-0123456789ab.zst"), lines(0, 10));
    AheadPartial p = partial(live);

    assertThat(p.advance(zstd)).isTrue();

    assertThat(oldFrames).doesNotExist();
    assertThat(Files.exists(oldHeader, java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .as("the link is unlinked")
        .isFalse();
    assertThat(target).as("the link's target is not followed").hasBinaryContent(lines(0, 1));
    assertThat(oldDirectory).as("a directory by that name is left alone").isDirectory();
    assertThat(otherAgent).as("another agent's partial").exists();
    assertThat(p.header()).exists();

    Path again = Files.write(oldFrames, lines(0, 10));
    assertThat(p.advance(zstd)).isTrue();
    assertThat(again).as("only a partial being begun looks for the old names").exists();
  }

  @Test
  void lessThanAWholeSpanIsLeftForTheRotation() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), Arrays.copyOf(lines(0, 4000), SPAN - 1));
    assertThat(partial(live).advance(zstd)).isFalse();
    assertThat(partial(live).header()).doesNotExist();
  }

  @Test
  void aTruncatedLogDiscardsThePartial() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 6000));
    AheadPartial p = partial(live);
    catchUp(p, zstd);
    try (RandomAccessFile f = new RandomAccessFile(live.toFile(), "rw")) {
      f.setLength(SPAN / 2);
    }

    assertThat(handOver(p, live, dir.resolve("out.tmp"), zstd)).isEmpty();
    assertThat(p.data(zstd)).doesNotExist();
    assertThat(p.header()).doesNotExist();
    assertThat(dir.resolve("out.tmp")).doesNotExist();
  }

  @Test
  void aLogRewrittenInPlaceDiscardsThePartial() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 6000));
    AheadPartial p = partial(live);
    catchUp(p, zstd);
    byte[] rewritten = lines(100_000, 106_000); // longer lines: covers more than the partial did
    try (RandomAccessFile f = new RandomAccessFile(live.toFile(), "rw")) {
      f.write(rewritten);
    }

    assertThat(handOver(p, live, dir.resolve("out.tmp"), zstd)).isEmpty();
    assertThat(p.header()).doesNotExist();
  }

  @Test
  void aReplacedLogStartsAFreshPartial() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 6000));
    AheadPartial p = partial(live);
    catchUp(p, zstd);
    Path other = Files.write(dir.resolve("other"), lines(0, 6000)); // same bytes, another inode
    Files.move(other, live, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(p.advance(zstd)).as("the old partial is discarded, a new one begun").isTrue();
    catchUp(p, zstd);
    Path tmp = dir.resolve("out.tmp");
    assertThat(handOver(p, live, tmp, zstd)).isPresent();
    assertThat(decode(Codec.ZSTD, tmp)).isEqualTo(Files.readAllBytes(live));
  }

  @Test
  void aPartialOfAnotherFileIsNeverUsed() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 6000));
    AheadPartial p = partial(live);
    catchUp(p, zstd);
    Path copy = Files.write(dir.resolve("copy"), Files.readAllBytes(live));

    assertThat(handOver(p, copy, dir.resolve("out.tmp"), zstd)).isEmpty();
  }

  @Test
  void aFrameTornByAKillIsCutOff() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 6000));
    AheadPartial p = partial(live);
    catchUp(p, zstd);
    // A kill after the frame was appended but before the header counted it.
    Files.write(
        p.data(zstd),
        new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2, 3},
        StandardOpenOption.APPEND);
    Files.write(p.header().resolveSibling(p.header().getFileName() + ".tmp"), new byte[] {'{'});

    Path tmp = dir.resolve("out.tmp");
    assertThat(handOver(p, live, tmp, zstd)).isPresent();
    assertThat(decode(Codec.ZSTD, tmp)).isEqualTo(Files.readAllBytes(live));
  }

  @Test
  void framesWithASecondNameAreNeverWrittenTo() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 6000));
    AheadPartial p = partial(live);
    catchUp(p, zstd);
    // Someone who can write the log directory links the partial's name to a file of theirs.
    Path victim = Files.copy(p.data(zstd), dir.resolve("victim"));
    byte[] before = Files.readAllBytes(victim);
    Files.delete(p.data(zstd));
    Files.createLink(p.data(zstd), victim);

    assertThat(handOver(p, live, dir.resolve("out.tmp"), zstd)).isEmpty();
    assertThat(Files.readAllBytes(victim)).isEqualTo(before);
  }

  @Test
  void anUnreadableHeaderDiscardsThePartial() throws Exception {
    Path live = Files.write(dir.resolve("server.log"), lines(0, 6000));
    AheadPartial p = partial(live);
    catchUp(p, zstd);
    Files.writeString(p.header(), "{not json");

    assertThat(handOver(p, live, dir.resolve("out.tmp"), zstd)).isEmpty();
    assertThat(p.data(zstd)).doesNotExist();
  }
}
