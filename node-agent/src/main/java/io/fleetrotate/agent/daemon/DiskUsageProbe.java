package io.fleetrotate.agent.daemon;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Disk usage of the filesystem a log lives on. */
final class DiskUsageProbe {
  private DiskUsageProbe() {}

  /** Mount point, total and used bytes (used counts space reserved for root, as df does). */
  record Usage(String mount, long totalBytes, long usedBytes) {
    double usedRatio() {
      return totalBytes == 0 ? 0 : (double) usedBytes / totalBytes;
    }
  }

  static Usage of(Path file) throws IOException {
    FileStore store = Files.getFileStore(file);
    long total = store.getTotalSpace();
    long used = Math.max(0, total - store.getUnallocatedSpace());
    return new Usage(mountOf(store), total, Math.min(used, total));
  }

  /** The JDK's Linux FileStore prints itself as {@code "/mount/point (device)"}. */
  private static String mountOf(FileStore store) {
    String s = store.toString();
    int paren = s.lastIndexOf(" (");
    return paren > 0 ? s.substring(0, paren) : s;
  }
}
