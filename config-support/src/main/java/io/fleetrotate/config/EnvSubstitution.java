package io.fleetrotate.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in configuration values with environment
 * variables. {@code $${} writes a literal {@code ${}.
 *
 * <p>Substitution happens in scalar values after YAML parsing, never in the raw text: a variable
 * can then not inject YAML structure, and errors keep the line of the value. As in the shell, the
 * default applies when the variable is unset or empty. {@code HOSTNAME} falls back to the machine's
 * host name, because bash sets it without exporting it and so it is rarely in the environment of a
 * service.
 */
public final class EnvSubstitution {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, String> env;
  private final Supplier<Optional<String>> machineHostName;

  public EnvSubstitution(Map<String, String> env, Supplier<Optional<String>> machineHostName) {
    this.env = env;
    this.machineHostName = machineHostName;
  }

  /** Whether {@code raw} has anything to substitute. */
  public static boolean hasReferences(String raw) {
    return raw.contains("${");
  }

  /**
   * Returns {@code raw} with every reference replaced.
   *
   * @throws ValueFormatException naming the unset variable or the malformed reference
   */
  public String apply(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    int i = 0;
    while (i < raw.length()) {
      if (raw.startsWith("$${", i)) {
        out.append("${");
        i += 3;
        continue;
      }
      if (!raw.startsWith("${", i)) {
        out.append(raw.charAt(i++));
        continue;
      }
      int end = raw.indexOf('}', i);
      if (end < 0) {
        throw new ValueFormatException(
            Sizes.quote(raw)
                + " has a ${ without its closing }; write ${NAME} or $${ for a literal");
      }
      String reference = raw.substring(i + 2, end);
      int colon = reference.indexOf(":-");
      String name = colon < 0 ? reference : reference.substring(0, colon);
      if (!NAME.matcher(name).matches()) {
        throw new ValueFormatException(
            Sizes.quote("${" + reference + "}")
                + " is not a variable reference; write ${NAME} or ${NAME:-default}");
      }
      String value = lookup(name);
      if (colon >= 0 && (value == null || value.isEmpty())) {
        out.append(reference.substring(colon + 2));
      } else if (value != null) {
        out.append(value);
      } else {
        throw new ValueFormatException(
            "environment variable "
                + name
                + " is not set; set it, or write ${"
                + name
                + ":-default} to give a default");
      }
      i = end + 1;
    }
    return out.toString();
  }

  /** The variable's value, or null when unset. */
  private String lookup(String name) {
    String value = env.get(name);
    if ((value == null || value.isEmpty()) && name.equals("HOSTNAME")) {
      return machineHostName.get().orElse(null);
    }
    return value;
  }
}
