package io.fleetrotate.agent.migrate;

import java.nio.file.Path;

/** Where a logrotate directive was written: a file and a 1-based line. */
record Origin(Path file, int line) {
  @Override
  public String toString() {
    return file + ":" + line;
  }
}
