package io.fleetrotate.agent.rotate;

/**
 * What a rotation will do, fixed before it touches anything and written first to its journal. Paths
 * and times are strings so the journal stays readable by hand.
 *
 * @param move {@code rename}, {@code copytruncate} or {@code collapse}
 * @param codec {@code zstd}, {@code gzip} or {@code none}
 */
record RotationPlan(
    String rotationId,
    String group,
    String livePath,
    String backupPath,
    String move,
    String codec,
    int level,
    String trigger,
    long fencingToken,
    String startedAt) {}
