package io.fleetrotate.coordinator.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Structured content back to JSON text, for assertions. */
final class FleetToolsJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private FleetToolsJson() {}

  static String encode(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
