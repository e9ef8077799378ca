package org.criuatlas.bridge.scan;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libc calls a /proc walk needs, bound with JNA direct mapping (the cheapest JNA call):
 * *at() variants so each process directory is resolved once per process, not once per fd.
 * Failures arrive as LastErrorException carrying errno.
 */
final class ProcSyscalls {
    static {
        org.criuatlas.bridge.jna.JnaStart.prepare();
        Native.register(ProcSyscalls.class, NativeLibrary.getInstance("c"));
    }

    private ProcSyscalls() {}

    static final int AT_FDCWD = -100;
    static final int O_RDONLY = 0;
    static final int O_DIRECTORY = 0x10000;
    static final int O_CLOEXEC = 0x80000;
    static final int STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_NLINK = 0x4, STATX_INO = 0x100, STATX_BYTES = 0x200, STATX_MNT_ID = 0x1000;
    /** Offsets of stx_nlink (u32) and stx_size (u64) in struct statx. */
    static final int STX_NLINK = 16, STX_BYTES = 40;
    /**
     * struct statx (the layout is the same on every arch): stx_mask (u32) at 0, stx_mode (u16) at 28,
     * stx_ino (u64) at 32, stx_dev_major/minor (u32) at 136/140, stx_mnt_id (u64) at 144.
     */
    static final int STATX_SIZE = 256, STX_MASK = 0, STX_MODE = 28, STX_INO = 32, STX_DEV_MAJOR = 136,
            STX_DEV_MINOR = 140, STX_MNT_ID = 144;

    static final int CLONE_NEWNET = 0x40000000, CLONE_NEWIPC = 0x08000000;

    static final int ENOENT = 2, ESRCH = 3, EINTR = 4, EACCES = 13, EPERM = 1;

    static native int openat(int dirfd, Pointer path, int flags) throws LastErrorException;

    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native long readlinkat(int dirfd, Pointer path, Pointer buf, long size) throws LastErrorException;

    static native long getdents64(int fd, Pointer buf, long size) throws LastErrorException;

    static native int statx(int dirfd, Pointer path, int flags, int mask, Pointer buf) throws LastErrorException;

    static native int geteuid();

    static native long getxattr(String path, String name, Pointer value, long size) throws LastErrorException;

    /** setns(2): moves the calling thread into the namespace open at fd. */
    static native int setns(int fd, int nstype) throws LastErrorException;
}
