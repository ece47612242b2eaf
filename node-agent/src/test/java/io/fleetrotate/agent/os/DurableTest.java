package io.fleetrotate.agent.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one durable-write helper on a real filesystem, its fsyncs seen through its one seam. */
class DurableTest {

  @TempDir Path dir;

  private final List<String> syncs = Collections.synchronizedList(new ArrayList<>());

  /** Real fsyncs, each recorded as "file NAME SIZE" or "directory NAME". */
  private final Durable recording =
      new Durable(
          new Durable.Fsync() {
            @Override
            public void file(Path name, Durable.Syncable file) throws IOException {
              file.sync();
              syncs.add("file " + name.getFileName() + " " + Files.size(name));
            }

            @Override
            public void directory(Path d) throws IOException {
              Durable.Fsync.super.directory(d);
              syncs.add("directory " + d.getFileName());
            }
          });

  private List<String> namesIn(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replaceFsyncsTheWholeTemporaryFileThenRenamesItThenFsyncsTheDirectory() throws Exception {
    Path target = Files.writeString(dir.resolve("state.json"), "old");

    recording.replace(target, "new content".getBytes(StandardCharsets.UTF_8));

    assertThat(target).hasContent("new content");
    assertThat(namesIn(dir)).containsExactly("state.json");
    assertThat(syncs).hasSize(2);
    assertThat(syncs.get(0)).startsWith("file .state.json").endsWith(".tmp 11");
    assertThat(syncs.get(1)).isEqualTo("directory " + dir.getFileName());
  }

  @Test
  void aFailedFsyncLeavesTheOldContentAndNoTemporaryFile() throws Exception {
    Path target = Files.writeString(dir.resolve("state.json"), "old");
    Durable diskFull =
        new Durable(
            (name, file) -> {
              throw new IOException("No space left on device");
            });

    assertThatThrownBy(() -> diskFull.replace(target, "new".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("No space left on device");

    assertThat(target).hasContent("old");
    assertThat(namesIn(dir)).containsExactly("state.json");
  }

  @Test
  void aRenameAcrossDirectoriesFsyncsBoth() throws Exception {
    Path from = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("x"), "x");
    Path to = Files.createDirectories(dir.resolve("b")).resolve("y");

    recording.rename(from, to);

    assertThat(from).doesNotExist();
    assertThat(to).hasContent("x");
    assertThat(syncs).containsExactly("directory b", "directory a");
  }

  @Test
  void aRenameOfAMissingFileFailsWithoutAnFsync() {
    assertThatThrownBy(() -> recording.rename(dir.resolve("gone"), dir.resolve("there")))
        .isInstanceOf(NoSuchFileException.class);
    assertThat(syncs).isEmpty();
  }

  @Test
  void aReaderSeesTheOldOrTheNewContentNeverAMixOrNothing() throws Exception {
    Path target = dir.resolve("state.json");
    String a = "a".repeat(64 * 1024);
    String b = "b".repeat(96 * 1024);
    Durable.SYSTEM.replace(target, a.getBytes(StandardCharsets.US_ASCII));
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread reader =
        new Thread(
            () -> {
              while (writing.get()) {
                try {
                  String s = Files.readString(target, StandardCharsets.US_ASCII);
                  seen.add(s.equals(a) ? "a" : s.equals(b) ? "b" : "torn: " + s.length());
                } catch (IOException e) {
                  seen.add("unreadable: " + e);
                }
              }
            });
    reader.start();
    try {
      for (int i = 0; i < 200; i++) {
        Durable.SYSTEM.replaceCache(
            target, (i % 2 == 0 ? b : a).getBytes(StandardCharsets.US_ASCII));
      }
    } finally {
      writing.set(false);
      reader.join();
    }

    assertThat(seen).isSubsetOf("a", "b").contains("a");
    assertThat(namesIn(dir)).containsExactly("state.json");
  }
}
