package io.fleetrotate.coordinator.fleet;

import io.fleetrotate.proto.Result;
import java.time.Instant;

/**
 * The most recent rotation of one file, by when it finished: what the slow-rotation and compression
 * alerts look at.
 *
 * @param compressionRatio backup over original size of the last successful compressed rotation, or
 *     NaN if there is none
 */
public record LastRotation(
    String path,
    Instant finishedAt,
    long durationMillis,
    Result result,
    double compressionRatio,
    Instant compressedAt) {}
