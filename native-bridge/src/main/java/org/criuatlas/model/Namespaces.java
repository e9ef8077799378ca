package org.criuatlas.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * The namespaces of one process: the inode of each /proc/PID/ns/* link, 0 where it could not be
 * read (no permission, kernel without that namespace type, images that do not record it).
 */
public record Namespaces(long cgroup, long ipc, long mnt, long net, long pid, long pidForChildren,
                         long time, long timeForChildren, long user, long uts) {
    public static final Namespaces UNKNOWN = new Namespaces(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public long inode(NamespaceKind k) {
        return switch (k) {
            case CGROUP -> cgroup;
            case IPC -> ipc;
            case MNT -> mnt;
            case NET -> net;
            case PID -> pid;
            case PID_FOR_CHILDREN -> pidForChildren;
            case TIME -> time;
            case TIME_FOR_CHILDREN -> timeForChildren;
            case USER -> user;
            case UTS -> uts;
        };
    }

    /** A copy with one inode replaced. */
    public Namespaces with(NamespaceKind k, long ino) {
        long[] v = toArray();
        v[k.ordinal()] = ino;
        return fromArray(v);
    }

    /** Kinds whose inode is known on both sides and differs: where {@code this} lives apart from {@code other}. */
    public Set<NamespaceKind> differentFrom(Namespaces other) {
        Set<NamespaceKind> out = EnumSet.noneOf(NamespaceKind.class);
        for (NamespaceKind k : NamespaceKind.values()) {
            long a = inode(k), b = other.inode(k);
            if (a != 0 && b != 0 && a != b) out.add(k);
        }
        return out;
    }

    public boolean isUnknown() { return equals(UNKNOWN); }

    long[] toArray() {
        return new long[] {cgroup, ipc, mnt, net, pid, pidForChildren, time, timeForChildren, user, uts};
    }

    /** From inodes indexed by {@link NamespaceKind#ordinal()}. */
    public static Namespaces fromArray(long[] v) {
        if (v.length != NamespaceKind.values().length) throw new IllegalArgumentException("one inode per namespace kind");
        return new Namespaces(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
    }
}
