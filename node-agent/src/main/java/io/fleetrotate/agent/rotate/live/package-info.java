/**
 * Moving a live log aside while its writer keeps appending to it, for servers that cannot be told
 * to reopen their log. (Servers that can are rotated by renaming the file, which loses nothing.)
 *
 * <p>Both methods assume the writer opened the file with {@code O_APPEND}, as a shell redirection
 * ({@code >>}) or a logging library does: each write then lands at the file's current end, wherever
 * that is after the file was truncated or shortened. A writer without {@code O_APPEND} keeps
 * writing at its old offset and leaves a hole of zero bytes in front.
 *
 * <h2>copytruncate</h2>
 *
 * Copies the file to the backup (again while it grows), fsyncs the backup, then truncates the live
 * file to zero. Lines the writer appends between the last copy and the truncate are <b>lost</b>:
 * the window is one fsync of a small tail plus a few system calls, well under a millisecond to a
 * few milliseconds depending on the disk. Part of what was lost is seen and reported in {@link
 * io.fleetrotate.agent.rotate.live.MoveResult#bytesKnownLost()}; what was appended in the last
 * microseconds before the truncate is gone without trace. The backup may end in the middle of a
 * line when a write was in progress at the last copy; the rest of that line is lost with the
 * others. Works on every filesystem.
 *
 * <h2>collapse</h2>
 *
 * Copies the largest prefix that is a whole number of filesystem blocks and ends before the end of
 * the file, fsyncs the backup, then removes exactly that prefix from the live file with {@code
 * fallocate(FALLOC_FL_COLLAPSE_RANGE)}. Bytes written during the copy stay in the live file: the
 * backups followed by the live file hold every byte written once, with <b>none lost and none
 * doubled</b>. Because the cut falls on a block boundary, not a line boundary, a backup usually
 * ends inside a line and the live file starts with the rest of that line: read in order, the files
 * join up. Works on ext4 and xfs. Elsewhere (tmpfs, overlayfs, btrfs, NFS, ext4 with bigalloc) the
 * kernel refuses, and the mover finishes by copytruncate from where the copy stopped and reports
 * {@link io.fleetrotate.agent.rotate.live.MoveResult#fellBackToCopyTruncate()} with the reason. A
 * file of one block or less has nothing to collapse: it is left alone and the result says it was
 * skipped.
 */
package io.fleetrotate.agent.rotate.live;
