package io.fleetrotate.proto;

/**
 * Thrown by a record's constructor when one component breaks a wire rule. The decoder catches it
 * and reports the same rule under the field's full JSON path, so each rule is written once.
 */
final class InvalidFieldException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String rule;

  InvalidFieldException(String field, String rule) {
    super(field + ": " + rule);
    this.field = field;
    this.rule = rule;
  }

  String field() {
    return field;
  }

  String rule() {
    return rule;
  }
}
