package io.fleetrotate.agent.rotate.live;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The kernel refuses a collapse range that is unaligned or reaches the end of the file. */
class CollapsibleLengthTest {

  @Property
  void isAlignedStopsShortOfTheEndAndLeavesAtMostOneBlock(
      @ForAll @LongRange(min = 0, max = 1L << 42) long size,
      @ForAll @IntRange(min = 9, max = 16) int blockSizeLog2) {
    long blockSize = 1L << blockSizeLog2;

    long length = LiveFileMover.collapsibleLength(size, blockSize);

    assertThat(length % blockSize).isZero();
    assertThat(length).isBetween(0L, Math.max(0, size - 1));
    if (size > 0) {
      assertThat(size - length).isBetween(1L, blockSize);
    }
  }
}
