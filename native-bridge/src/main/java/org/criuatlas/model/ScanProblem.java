package org.criuatlas.model;

/**
 * Something a scan could not see, recorded instead of thrown.
 *
 * @param pid    the process concerned, 0 for the scan as a whole
 * @param what   what was being read ("fds", "cmdline", "sock_diag", "images/files.img@1234", ...)
 * @param reason plain words ("no permission", "process exited during the scan", ...), with the
 *               errno's name where a system call failed
 * @param kind   why, as a category a planner can act on
 */
public record ScanProblem(int pid, String what, String reason, Kind kind) {
    public enum Kind {
        /** The process exited or the fd was closed while the scan read it. */
        VANISHED,
        /** EACCES/EPERM: not allowed to read it. */
        NO_PERMISSION,
        /** A namespace (net, IPC) whose objects could not be read because it could not be entered. */
        NAMESPACE_NOT_ENTERED,
        /** The kernel has no way to report this (a sock_diag handler missing, an old kernel). */
        UNSUPPORTED,
        /** The kernel's data changed while it was listed (sock_diag NLM_F_DUMP_INTR). */
        INCONSISTENT,
        /** Text or bytes that are not what the kernel writes there. */
        MALFORMED,
        OTHER
    }

    public ScanProblem {
        kind = kind == null ? Kind.OTHER : kind;
    }

    public ScanProblem(int pid, String what, String reason) {
        this(pid, what, reason, Kind.OTHER);
    }

    private static final java.util.regex.Pattern EXITED_CHILD = java.util.regex.Pattern.compile("process \\(child of (\\d+)\\)");
    private static final java.util.regex.Pattern NAMESPACE = java.util.regex.Pattern.compile("(sockets in net|SysV IPC in IPC) namespace (\\d+)");

    /**
     * A process that exited while it was read, after its stat (so its parent is known): what is
     * {@code process (child of PPID)}, which {@link #exitedChildOf()} reads back.
     */
    public static ScanProblem exited(int pid, int ppid) {
        return new ScanProblem(pid, ppid > 0 ? "process (child of " + ppid + ")" : "process", "exited during the scan", Kind.VANISHED);
    }

    /** The parent of a process that exited during the scan after its stat was read, -1 when not such a problem. */
    public int exitedChildOf() {
        if (kind != Kind.VANISHED) return -1;
        java.util.regex.Matcher m = EXITED_CHILD.matcher(what);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** A namespace whose objects a problem is about: its kind (NET or IPC) and inode. */
    public record Namespace(NamespaceKind kind, long inode) {}

    /** What a problem with the objects of a whole namespace says it was reading: {@code sockets in net namespace N}. */
    public static String namespaceWhat(NamespaceKind kind, long inode) {
        return switch (kind) {
            case NET -> "sockets in net namespace " + inode;
            case IPC -> "SysV IPC in IPC namespace " + inode;
            default -> throw new IllegalArgumentException("objects are read per net or IPC namespace, not " + kind);
        };
    }

    /** The namespace whose objects as a whole this problem is about (see {@link #namespaceWhat}), null for other problems. */
    public Namespace namespace() {
        java.util.regex.Matcher m = NAMESPACE.matcher(what);
        if (!m.matches()) return null;
        return new Namespace(m.group(1).startsWith("sockets") ? NamespaceKind.NET : NamespaceKind.IPC, Long.parseLong(m.group(2)));
    }

    @Override
    public String toString() {
        return (pid != 0 ? "pid " + pid + ": " : "") + what + ": " + reason;
    }
}
