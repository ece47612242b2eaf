package io.fleetrotate.agent.rotate.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pread} lands where the buffer's position says, direct (in place) or not. */
class FileHandleReadTest {

  @TempDir Path tempDir;

  @Test
  void directAndHeapBuffersReadTheSameBytesAtTheirPosition() throws IOException {
    byte[] content = new byte[10_000];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31 + 7);
    }
    Path file = Files.write(tempDir.resolve("server.log"), content);
    try (FileHandle handle = FileHandle.openForReading(file)) {
      for (ByteBuffer buffer :
          new ByteBuffer[] {ByteBuffer.allocateDirect(64), ByteBuffer.allocate(64)}) {
        buffer.position(5).limit(5 + 40);

        int read = handle.read(buffer, 1234);

        assertThat(read).isEqualTo(40);
        assertThat(buffer.position()).isEqualTo(45);
        byte[] got = new byte[40];
        buffer.flip().position(5);
        buffer.get(got);
        assertThat(got).isEqualTo(Arrays.copyOfRange(content, 1234, 1274));
        assertThat(handle.read(buffer.clear(), content.length - 3)).isEqualTo(3);
        assertThat(handle.read(buffer.clear(), content.length)).isEqualTo(-1);
      }
    }
  }
}
