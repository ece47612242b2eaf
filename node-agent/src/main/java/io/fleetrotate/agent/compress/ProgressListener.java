package io.fleetrotate.agent.compress;

/**
 * Told how far a compression has read, for a progress bar. Called on the compressing thread at most
 * about every 64 MiB or 250 ms, and once more at the end with {@code bytesDone} equal to the bytes
 * read; it must return quickly.
 */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = (bytesDone, bytesTotal) -> {};

  /**
   * @param bytesDone source bytes read so far, never decreasing
   * @param bytesTotal the source size when compression started
   */
  void onProgress(long bytesDone, long bytesTotal);
}
