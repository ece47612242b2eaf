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
 * Copies the file to the backup (again while it grows) and fsyncs the bulk; the rotation journal
 * records that point. Then it copies the small tail, truncates the live file to zero as soon as a
 * pass finds nothing new, and fsyncs the tail right after. Lines the writer appends between the
 * last copy and the truncate are <b>lost</b>: the window is one small copy and a few system calls.
 * Part of what was lost is seen and reported in {@link
 * io.fleetrotate.agent.rotate.live.MoveResult#bytesKnownLost()}. The tail copied just before the
 * cut lives in the page cache until its fsync a moment later: a crash of the agent cannot lose it,
 * only a power loss in that instant could. The backup may end in the middle of a line when a write
 * was in progress at the last copy. Works on every filesystem.
 *
 * <h2>collapse</h2>
 *
 * Copies the largest prefix that is a whole number of filesystem blocks and ends before the end of
 * the file, fsyncs the backup, then removes exactly that prefix from the live file with {@code
 * fallocate(FALLOC_FL_COLLAPSE_RANGE)}. Bytes written during the copy stay in the live file: the
 * backups followed by the live file hold every byte written once, with <b>none lost and none
 * doubled</b>. The cut falls on a block boundary, usually inside a line: the rest of that line is
 * then appended to the backup (and fsynced) and overwritten with spaces at the head of the live
 * file, so every line is whole in exactly one file and the live file starts with one blank line.
 * Works on ext4 and xfs. Elsewhere (tmpfs, overlayfs, btrfs, NFS, ext4 with bigalloc) the kernel
 * refuses, and the mover finishes by copytruncate from where the copy stopped and reports {@link
 * io.fleetrotate.agent.rotate.live.MoveResult#fellBackToCopyTruncate()} with the reason. A file of
 * one block or less has nothing to collapse: it is left alone and the result says it was skipped.
 *
 * <h2>The backup</h2>
 *
 * Both methods write into a {@link io.fleetrotate.agent.rotate.live.BackupWriter}: a new
 * uncompressed file, or, when the log has a compress-ahead partial, the compressed backup begun
 * from it (the partial's frames already hold the covered prefix). Then the uncovered bytes are
 * compressed straight from the live file's descriptor, and nothing is copied uncompressed: the
 * bytes written at rotation are about the compressed tail's. The last bytes before a truncate are
 * appended as a stored frame (no compression, the speed of a copy), so the copytruncate window is
 * no longer than with a plain copy.
 */
package io.fleetrotate.agent.rotate.live;
