package io.fleetrotate.agent.rotate;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.proto.Trigger;

/**
 * What a rotation will do, fixed before it touches anything and written first to its journal. Paths
 * and times are strings so the journal stays readable by hand; the move and codec are written by
 * their wire names ({@code rename}, {@code zstd}), the trigger by its name ({@code SIZE}).
 */
record RotationPlan(
    String rotationId,
    String group,
    String livePath,
    String backupPath,
    RotationSpec.Move move,
    Codec codec,
    int level,
    Trigger trigger,
    long fencingToken,
    String startedAt) {}
