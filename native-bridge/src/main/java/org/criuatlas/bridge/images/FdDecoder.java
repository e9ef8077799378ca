package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.ImageFile.Entry;
import org.criuatlas.bridge.images.ImageFormatException.Kind;
import org.criuatlas.bridge.images.proto.CriuImages.FileEntry;
import org.criuatlas.bridge.images.proto.CriuImages.UnixSkEntry;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.ObjectKey;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One fd of a dump's fd table, decoded from the files.img entry its fdinfo names (one case per
 * CRIU fd type), for {@link ImageReader}'s join: unix sockets and pipes/FIFOs also collect their
 * holders here, so the join can build the graph's sockets and pipes after the last fd.
 */
public final class FdDecoder {
    // fd_types (criu-facts §4)
    public static final int FD_REG = 1, FD_PIPE = 2, FD_FIFO = 3, FD_INETSK = 4, FD_UNIXSK = 5, FD_EVENTFD = 6,
            FD_EVENTPOLL = 7, FD_INOTIFY = 8, FD_SIGNALFD = 9, FD_PACKETSK = 10, FD_TTY = 11, FD_FANOTIFY = 12,
            FD_NETLINKSK = 13, FD_NS = 14, FD_TUNF = 15, FD_EXT = 16, FD_TIMERFD = 17, FD_MEMFD = 18,
            FD_BPFMAP = 19, FD_PIDFD = 20;
    /** unix_sk_entry.uflags bit: CRIU's synthetic entry for a peer outside the dump. */
    static final int USK_EXTERN = 0x1;

    private FdDecoder() {}

    /** An open file description from files.img, with the holders found through fdinfo. */
    static final class SocketBuild {
        final UnixSkEntry usk;
        final int fileId;
        final List<Holder> holders = new ArrayList<>();

        SocketBuild(UnixSkEntry usk, int fileId) {
            this.usk = usk;
            this.fileId = fileId;
        }
    }

    static final class PipeBuild {
        final long ino;
        String fifoPath;
        final List<Holder> readers = new ArrayList<>();
        final List<Holder> writers = new ArrayList<>();

        PipeBuild(long ino) { this.ino = ino; }
    }

    static FdInfo fdFor(Path filesPath, Entry<FileEntry> e, Map<Integer, Entry<FileEntry>> files, Holder h,
                                Map<Integer, SocketBuild> socketsById, Map<Long, PipeBuild> pipes) throws ImageFormatException {
        FileEntry f = e.message();
        int fd = h.fd();
        switch (f.getType()) {
            case FD_UNIXSK -> {
                SocketBuild b = socketsById.get(f.getId());
                b.holders.add(h);
                long ino = Integer.toUnsignedLong(b.usk.getIno());
                return new FdInfo(fd, FdKind.SOCKET, ObjectKey.ofSocket(ino).text(), ino,
                        AccessMode.fromFlags(b.usk.getFlags()), Integer.toUnsignedLong(b.usk.getFlags()));
            }
            case FD_PIPE -> {
                if (!f.hasPipe() || !f.getPipe().hasPipeId()) throw missing(filesPath, e, "pipe");
                var p = f.getPipe();
                long ino = Integer.toUnsignedLong(p.getPipeId());
                AccessMode mode = AccessMode.fromFlags(p.getFlags());
                addEnd(pipes.computeIfAbsent(ino, PipeBuild::new), mode, h);
                return new FdInfo(fd, FdKind.PIPE, ObjectKey.ofPipe(ino).text(), ino, mode, Integer.toUnsignedLong(p.getFlags()));
            }
            case FD_FIFO -> {
                if (!f.hasFifo() || !f.getFifo().hasPipeId()) throw missing(filesPath, e, "fifo");
                var fi = f.getFifo();
                Entry<FileEntry> reg = files.get(fi.getRegfId());
                if (reg == null || !reg.message().hasReg()) {
                    throw new ImageFormatException(Kind.INCONSISTENT, filesPath, e.offset(), "FIFO file id " + f.getId()
                            + " points at file id " + fi.getRegfId() + ", which is not a regular-file entry");
                }
                var r = reg.message().getReg();
                long ino = Integer.toUnsignedLong(fi.getPipeId());
                AccessMode mode = AccessMode.fromFlags(r.getFlags());
                PipeBuild b = pipes.computeIfAbsent(ino, PipeBuild::new);
                b.fifoPath = r.getName();
                addEnd(b, mode, h);
                return new FdInfo(fd, FdKind.FIFO, r.getName(), ino, mode, Integer.toUnsignedLong(r.getFlags()));
            }
            case FD_REG -> {
                if (!f.hasReg()) throw missing(filesPath, e, "reg");
                var r = f.getReg();
                int fmt = r.getMode() & 0170000;
                FdKind kind = fmt == 0040000 ? FdKind.DIRECTORY : (fmt == 0020000 || fmt == 0060000) ? FdKind.DEVICE : FdKind.REGULAR;
                return new FdInfo(fd, kind, r.getName(), 0, AccessMode.fromFlags(r.getFlags()), Integer.toUnsignedLong(r.getFlags()));
            }
            case FD_TTY -> {
                String path = "";
                long flags = -1;
                if (f.hasTty()) {
                    flags = Integer.toUnsignedLong(f.getTty().getFlags());
                    if (f.getTty().hasRegfId()) {
                        Entry<FileEntry> reg = files.get(f.getTty().getRegfId());
                        if (reg != null && reg.message().hasReg()) path = reg.message().getReg().getName();
                    }
                }
                return new FdInfo(fd, FdKind.TTY, path, 0, AccessMode.fromFlags(flags), flags);
            }
            case FD_INETSK -> {
                long ino = f.hasIsk() ? Integer.toUnsignedLong(f.getIsk().getIno()) : 0;
                long flags = f.hasIsk() ? Integer.toUnsignedLong(f.getIsk().getFlags()) : -1;
                return new FdInfo(fd, FdKind.SOCKET, ObjectKey.ofSocket(ino).text(), ino, AccessMode.fromFlags(flags), flags);
            }
            case FD_NETLINKSK -> {
                long ino = f.hasNlsk() ? Integer.toUnsignedLong(f.getNlsk().getIno()) : 0;
                long flags = f.hasNlsk() ? Integer.toUnsignedLong(f.getNlsk().getFlags()) : -1;
                return new FdInfo(fd, FdKind.SOCKET, ObjectKey.ofSocket(ino).text(), ino, AccessMode.fromFlags(flags), flags);
            }
            case FD_PACKETSK -> {
                // packet sockets carry no inode in the image
                long flags = f.hasPsk() ? Integer.toUnsignedLong(f.getPsk().getFlags()) : -1;
                return new FdInfo(fd, FdKind.SOCKET, "socket:[packet]", 0, AccessMode.fromFlags(flags), flags);
            }
            case FD_EVENTFD -> { return anon(fd, "anon_inode:[eventfd]", f.hasEfd() ? f.getEfd().getFlags() : -1); }
            case FD_EVENTPOLL -> { return anon(fd, "anon_inode:[eventpoll]", f.hasEpfd() ? f.getEpfd().getFlags() : -1); }
            case FD_INOTIFY -> { return anon(fd, "anon_inode:inotify", f.hasIfy() ? f.getIfy().getFlags() : -1); }
            case FD_SIGNALFD -> { return anon(fd, "anon_inode:[signalfd]", f.hasSgfd() ? f.getSgfd().getFlags() : -1); }
            case FD_FANOTIFY -> { return anon(fd, "anon_inode:[fanotify]", f.hasFfy() ? f.getFfy().getFlags() : -1); }
            case FD_TIMERFD -> { return anon(fd, "anon_inode:[timerfd]", f.hasTfd() ? f.getTfd().getFlags() : -1); }
            case FD_BPFMAP -> { return anon(fd, "anon_inode:bpf-map", f.hasBpf() ? f.getBpf().getFlags() : -1); }
            case FD_PIDFD -> { return anon(fd, "anon_inode:[pidfd]", f.hasPidfd() ? f.getPidfd().getFlags() : -1); }
            case FD_MEMFD -> {
                long flags = f.hasMemfd() ? Integer.toUnsignedLong(f.getMemfd().getFlags()) : -1;
                return new FdInfo(fd, FdKind.REGULAR, "/memfd: (deleted)", 0, AccessMode.fromFlags(flags), flags);
            }
            case FD_TUNF -> {
                long flags = f.hasTunf() ? Integer.toUnsignedLong(f.getTunf().getFlags()) : -1;
                return new FdInfo(fd, FdKind.DEVICE, "/dev/net/tun", 0, AccessMode.fromFlags(flags), flags);
            }
            case FD_NS -> {
                long flags = f.hasNsf() ? Integer.toUnsignedLong(f.getNsf().getFlags()) : -1;
                return new FdInfo(fd, FdKind.OTHER, "ns", 0, AccessMode.fromFlags(flags), flags);
            }
            case FD_EXT -> { return new FdInfo(fd, FdKind.OTHER, "external", 0, AccessMode.UNKNOWN, -1); }
            default -> { return new FdInfo(fd, FdKind.OTHER, "fd type " + f.getType(), 0, AccessMode.UNKNOWN, -1); }
        }
    }

    private static FdInfo anon(int fd, String target, long flags) {
        long fl = flags < 0 ? -1 : flags & 0xffffffffL;
        return new FdInfo(fd, FdKind.ANON_INODE, target, 0, AccessMode.fromFlags(fl), fl);
    }

    private static void addEnd(PipeBuild b, AccessMode mode, Holder h) {
        if (mode.canRead()) b.readers.add(h);
        if (mode.canWrite()) b.writers.add(h);
    }

    private static ImageFormatException missing(Path filesPath, Entry<FileEntry> e, String sub) {
        return new ImageFormatException(Kind.INCONSISTENT, filesPath, e.offset(), "file id " + e.message().getId()
                + " of type " + e.message().getType() + " has no " + sub + " entry");
    }
}
