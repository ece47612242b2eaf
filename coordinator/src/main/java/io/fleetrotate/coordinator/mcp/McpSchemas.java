package io.fleetrotate.coordinator.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The MCP SDK's schema validation, with the json-schema-validator version pinned for the whole
 * build (the SDK's own validator needs another major version).
 */
public final class McpSchemas implements JsonSchemaValidator {
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private final ObjectMapper mapper;

  public McpSchemas(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public ValidationResponse validate(Map<String, Object> schema, Object content) {
    try {
      Set<ValidationMessage> problems =
          FACTORY.getSchema(mapper.valueToTree(schema)).validate(mapper.valueToTree(content));
      if (problems.isEmpty()) {
        return ValidationResponse.asValid(mapper.writeValueAsString(content));
      }
      return ValidationResponse.asInvalid(
          problems.stream().map(ValidationMessage::getMessage).collect(Collectors.joining("; ")));
    } catch (Exception e) {
      return ValidationResponse.asInvalid("cannot validate against the schema: " + e.getMessage());
    }
  }
}
