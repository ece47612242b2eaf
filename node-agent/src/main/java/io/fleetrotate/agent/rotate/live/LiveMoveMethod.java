package io.fleetrotate.agent.rotate.live;

/** How a live file is moved aside without renaming it; see the package documentation. */
public enum LiveMoveMethod {
  /** Copy the file, then truncate it to zero: lines written in the last moment are lost. */
  COPY_TRUNCATE("copytruncate"),
  /** Copy a block-aligned prefix, then cut exactly that prefix out of the file: nothing is lost. */
  COLLAPSE("collapse");

  private final String configName;

  LiveMoveMethod(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration and in rotation events. */
  public String configName() {
    return configName;
  }
}
