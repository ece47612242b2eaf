package io.fleetrotate.proto;

/** What the coordinator asks an agent to do. On the wire, the constant's name. */
public enum CommandType {
  /** Rotate one file, or every watched file when the command has no path. */
  ROTATE_NOW
}
