package io.fleetrotate.chaos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped jars carry no test hook: no class in them (the product's or a shaded library's) holds
 * the string {@code fleetrotate.test.}, so no system property of that prefix can switch a safety
 * check off in production. The chaos suite composes the agent with its decorators instead.
 */
class ProductionJarsHoldNoTestHookTest {
  private static final byte[] HOOK = "fleetrotate.test.".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest(name = "{0}.jar")
  @ValueSource(strings = {"node-agent", "coordinator"})
  void noClassFileNamesATestProperty(String module) throws IOException {
    Path jar = ComposeProject.jar(module);
    List<String> offenders = new ArrayList<>();
    int classes = 0;
    try (JarFile j = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (!entry.getName().endsWith(".class")) {
          continue;
        }
        classes++;
        try (InputStream in = j.getInputStream(entry)) {
          if (contains(in.readAllBytes(), HOOK)) {
            offenders.add(entry.getName());
          }
        }
      }
    }
    assertThat(classes).as("classes read in " + jar).isGreaterThan(100);
    assertThat(offenders).as("classes of " + jar + " naming fleetrotate.test.*").isEmpty();
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (haystack[i + k] != needle[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
