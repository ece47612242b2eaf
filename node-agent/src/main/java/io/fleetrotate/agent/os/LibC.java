package io.fleetrotate.agent.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The C library calls the agent makes that the JDK has no way to make: opening without following
 * links and checking by descriptor (statx, pread, pwrite, ftruncate, fallocate, fchmod, fchown),
 * signalling a server by pid, and looking up accounts. One binding for the whole agent, loaded on
 * first use; calls that fail throw {@link LastErrorException} with errno.
 */
public interface LibC extends Library {
  LibC INSTANCE = Native.load("c", LibC.class);

  int open(byte[] path, int flags, int mode) throws LastErrorException;

  int statx(int dirfd, byte[] path, int flags, int mask, Pointer buf) throws LastErrorException;

  long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

  long pwrite(int fd, Pointer buf, long count, long offset) throws LastErrorException;

  int ftruncate(int fd, long length) throws LastErrorException;

  int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;

  int fsync(int fd) throws LastErrorException;

  int fdatasync(int fd) throws LastErrorException;

  int fchmod(int fd, int mode) throws LastErrorException;

  int fchown(int fd, int uid, int gid) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  String strerror(int errnum);

  int kill(int pid, int signal) throws LastErrorException;

  /** A {@code struct passwd *} (static storage of the C library), or null when there is none. */
  Pointer getpwnam(byte[] name);

  /** A {@code struct group *} (static storage of the C library), or null when there is none. */
  Pointer getgrnam(byte[] name);

  /** On Linux, {@code who} 0 with {@code which} 0 (PRIO_PROCESS) sets the calling thread's nice. */
  int setpriority(int which, int who, int prio) throws LastErrorException;
}
