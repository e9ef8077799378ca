package org.criuatlas.bridge.proc;

import org.criuatlas.model.AnonInodeKind;
import org.criuatlas.model.FdDetail;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.ObjectKey;

/**
 * What the text of a /proc/PID/fd/N link says about the fd.
 *
 * @param kind      what it refers to, as far as the text tells
 * @param inode     the inode for {@code socket:[N]} and {@code pipe:[N]}, else 0
 * @param needsStat true for a path that is not a terminal: only the file's mode tells a FIFO, a
 *                  directory or a device from a regular file
 */
public record FdLink(FdKind kind, long inode, boolean needsStat) {
    private static final FdLink ANON = new FdLink(FdKind.ANON_INODE, 0, false);
    private static final FdLink OTHER = new FdLink(FdKind.OTHER, 0, false);
    private static final FdLink TTY = new FdLink(FdKind.TTY, 0, false);
    private static final FdLink PATH = new FdLink(FdKind.REGULAR, 0, true);

    /** Classifies a link text without touching the file system. */
    public static FdLink parse(String t) {
        if (t.startsWith("socket:[") || t.startsWith("pipe:[")) {
            ObjectKey k = ObjectKey.parse(t).orElseThrow(() -> new ProcFormatException("fd", "bad link text '" + t + "'"));
            return new FdLink(k.kind() == ObjectKey.Kind.SOCKET ? FdKind.SOCKET : FdKind.PIPE, k.ino(), false);
        }
        if (t.startsWith("anon_inode:")) return ANON;
        if (!t.isEmpty() && t.charAt(0) == '/') return isTerminalPath(t) ? TTY : PATH;
        return OTHER;
    }

    /** The anon inode kind of a link text ({@code anon_inode:[eventfd]}), or null when it is not one. */
    public static FdDetail.AnonInode anonInode(String t) {
        if (!t.startsWith("anon_inode:")) return null;
        String name = t.substring(11);
        AnonInodeKind k = AnonInodeKind.fromLinkName(name);
        if (name.length() >= 2 && name.charAt(0) == '[' && name.charAt(name.length() - 1) == ']') {
            name = name.substring(1, name.length() - 1);
        }
        return new FdDetail.AnonInode(k, name);
    }

    /** The role of a terminal path; {@code ttyIndex} is fdinfo's tty-index for a master (-1 unknown). */
    public static FdDetail.Terminal terminal(String t, int ttyIndex) {
        if (t.equals("/dev/ptmx") || t.equals("/dev/pts/ptmx")) return new FdDetail.Terminal(FdDetail.TtyRole.PTY_MASTER, ttyIndex);
        if (t.startsWith("/dev/pts/")) return new FdDetail.Terminal(FdDetail.TtyRole.PTY_SLAVE, number(t, 9));
        if (t.equals("/dev/tty")) return new FdDetail.Terminal(FdDetail.TtyRole.CURRENT_TTY, -1);
        if (t.equals("/dev/console")) return new FdDetail.Terminal(FdDetail.TtyRole.CONSOLE, -1);
        if (t.startsWith("/dev/ttyS")) return new FdDetail.Terminal(FdDetail.TtyRole.SERIAL, number(t, 9));
        int n = number(t, 8);
        if (t.startsWith("/dev/tty") && n >= 0) return new FdDetail.Terminal(FdDetail.TtyRole.VIRTUAL_CONSOLE, n);
        return new FdDetail.Terminal(FdDetail.TtyRole.OTHER, -1);
    }

    /** The flavor of a path: memfd, POSIX shared memory, or an ordinary file. */
    public static FdDetail.FileFlavor flavor(String t) {
        if (t.startsWith("/memfd:")) return FdDetail.FileFlavor.MEMFD;
        if (t.startsWith("/dev/shm/")) return FdDetail.FileFlavor.POSIX_SHM;
        return FdDetail.FileFlavor.ORDINARY;
    }

    /** The path was unlinked while open (the kernel appends " (deleted)"). */
    public static boolean deleted(String t) { return t.endsWith(" (deleted)"); }

    private static int number(String t, int from) {
        if (from >= t.length()) return -1;
        int v = 0;
        for (int i = from; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Terminals by their device path: /dev/pts/N, /dev/ptmx, /dev/tty*, /dev/console. */
    public static boolean isTerminalPath(String t) {
        if (!t.startsWith("/dev/")) return false;
        return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.equals("/dev/ptmx")
                || t.equals("/dev/console");
    }

    /** The kind of a path fd from the st_mode of the open file (stat through the /proc link). */
    public static FdKind kindOfMode(int stMode) {
        return switch (stMode & 0xF000) {
            case 0x1000 -> FdKind.FIFO;      // S_IFIFO
            case 0x4000 -> FdKind.DIRECTORY; // S_IFDIR
            case 0x2000, 0x6000 -> FdKind.DEVICE; // S_IFCHR, S_IFBLK
            case 0xC000 -> FdKind.SOCKET;    // S_IFSOCK (never for a path link, kept for completeness)
            case 0x8000 -> FdKind.REGULAR;
            default -> FdKind.OTHER;
        };
    }

    /** The inode of a namespace link such as {@code net:[4026531840]}, or 0 when it is not one. */
    public static long namespaceInode(String t) {
        int open = t.indexOf(":[");
        if (open < 0 || !t.endsWith("]")) return 0;
        try {
            return Long.parseLong(t, open + 2, t.length() - 1, 10);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
