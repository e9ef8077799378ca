package org.criuatlas.model;

import java.util.List;

/**
 * A file lock or lease from /proc/locks, with its holders from the {@code lock:} lines of
 * /proc/PID/fdinfo/N.
 *
 * @param id       the lock's ordinal in /proc/locks (waiters share the id of the lock they wait for)
 * @param kind     POSIX (fcntl F_SETLK, lockf), FLOCK, OFD (open file description lock), LEASE, ...
 * @param access   read (shared), write (exclusive), or none (a lease being broken)
 * @param waiting  a request blocked behind lock {@code id} ("->" in /proc/locks), not a held lock
 * @param pid      the pid /proc/locks shows: the owner of a POSIX lock, the process that took a flock;
 *                 -1 for OFD locks (they belong to an open file description, see {@code holders});
 *                 0 when the owner is in a pid namespace the scan cannot see
 * @param devMajor device of the file system holding the file
 * @param devMinor device minor
 * @param ino      inode of the locked file
 * @param start    first byte locked
 * @param end      last byte locked, -1 for "to the end of the file" (EOF)
 * @param path     the file's path as a holder's fd shows it; null when no visible fd points at it
 * @param holders  the process/fd pairs whose fdinfo lists this lock; empty when none was seen
 */
public record FileLock(int id, LockKind kind, LockAccess access, boolean waiting, int pid, int devMajor, int devMinor,
                       long ino, long start, long end, String path, List<Holder> holders) {
    public enum LockKind {
        POSIX, FLOCK, OFD, LEASE, DELEGATION, OTHER;

        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public enum LockAccess {
        READ, WRITE, NONE;

        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public FileLock {
        holders = SortedLists.of(holders);
    }

    public FileLock withHolders(List<Holder> h, String p) {
        return new FileLock(id, kind, access, waiting, pid, devMajor, devMinor, ino, start, end, p, h);
    }

    /** "MAJ:MIN" in hex as /proc/locks prints it. */
    public String deviceHex() { return String.format("%02x:%02x", devMajor, devMinor); }

    /** Same lock (kind, access, file, range) regardless of who holds it: how fdinfo lines are joined to /proc/locks. */
    public boolean sameLockAs(FileLock o) {
        return kind == o.kind && access == o.access && devMajor == o.devMajor && devMinor == o.devMinor && ino == o.ino
                && start == o.start && end == o.end;
    }
}
