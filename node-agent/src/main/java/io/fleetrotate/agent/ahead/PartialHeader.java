package io.fleetrotate.agent.ahead;

/**
 * What a compress-ahead partial covers, kept beside it as JSON: the live file it was read from
 * (device and inode), how many of its bytes the partial's frames hold, how long the partial is, and
 * a CRC32C of the covered range's last block, so a log rewritten in place is noticed.
 */
record PartialHeader(
    int version,
    long device,
    long inode,
    long covered,
    long compressedLength,
    long lastBlockCrc,
    String codec,
    int level) {
  static final int VERSION = 1;
}
