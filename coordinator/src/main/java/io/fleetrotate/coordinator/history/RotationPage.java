package io.fleetrotate.coordinator.history;

import io.fleetrotate.proto.RotationEvent;
import java.util.List;
import java.util.Optional;

/** One page of rotations, and the cursor of the next page if there is more. */
public record RotationPage(List<RotationEvent> items, Optional<Cursor> next) {}
