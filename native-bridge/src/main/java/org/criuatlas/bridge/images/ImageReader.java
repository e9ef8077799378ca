package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.FdDecoder.PipeBuild;
import org.criuatlas.bridge.images.FdDecoder.SocketBuild;
import org.criuatlas.bridge.images.ImageFile.Entry;
import org.criuatlas.bridge.images.ImageFormatException.Kind;
import org.criuatlas.bridge.images.proto.CriuImages.FdinfoEntry;
import org.criuatlas.bridge.images.proto.CriuImages.FileEntry;
import org.criuatlas.bridge.images.proto.CriuImages.InventoryEntry;
import org.criuatlas.bridge.images.proto.CriuImages.PipeDataEntry;
import org.criuatlas.bridge.images.proto.CriuImages.PstreeEntry;
import org.criuatlas.bridge.images.proto.CriuImages.SkPacketEntry;
import org.criuatlas.bridge.images.proto.CriuImages.TaskKobjIdsEntry;
import org.criuatlas.bridge.images.proto.CriuImages.UnixSkEntry;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a CRIU image directory (offline, no root) into the same {@link IpcGraph} a live scan
 * produces. The join (criu-facts §3.3): pstree → ids-PID (files_id) → fdinfo-FILES_ID → files.img
 * by file id → unix sockets (peer = inode), pipes (pipe_id, read/write end), FIFOs (regf_id →
 * path), ttys and regular files; queued bytes from sk-queues (by socket file id) and pipes-data /
 * fifo-data (by pipe id). Pages images are never opened.
 *
 * <p>Linear in the number of fds: every lookup is a hash map by id. Any defect of the input is an
 * {@link ImageFormatException} naming the file and offset.
 */
public final class ImageReader {
    private ImageReader() {}

    // task_core_entry.task_state as written to images (criu-facts §4, §9.14)
    static final int TASK_ALIVE = 1, TASK_DEAD = 2, TASK_STOPPED = 3;

    /** The graph of the dump in {@code dir}. */
    public static IpcGraph read(Path dir) throws ImageFormatException {
        return open(dir).graph();
    }

    /** The graph, the restore obligations and the statistics of the dump in {@code dir}. */
    public static ImageDump open(Path dir) throws ImageFormatException {
        return open(dir, new ImageReadControl());
    }

    /** Like {@link #open(Path)}, bounded and cancellable by {@code control}. */
    public static ImageDump open(Path dir, ImageReadControl control) throws ImageFormatException {
        try (ImageDirectory src = ImageDirectory.open(dir)) {
            return read(src, control);
        }
    }

    /** The dump whose images {@code src} holds (a directory or an archive's images in memory). */
    public static ImageDump read(ImageSource src, ImageReadControl control) throws ImageFormatException {
        long t0 = System.nanoTime();
        Path dir = src.location();
        ImageFile invFile = src.openIfPresent("inventory.img", control);
        if (invFile == null) {
            throw new ImageFormatException(Kind.NOT_A_DUMP, dir, -1,
                    "no inventory.img: this " + (src instanceof ImageDirectory ? "directory" : "archive") + " does not hold a CRIU dump");
        }
        InventoryEntry inventory;
        try (invFile) {
            inventory = readInventory(invFile);
        }

        Path pstreePath = src.pathOf("pstree.img");
        List<Entry<PstreeEntry>> pstree = src.readAll("pstree.img", control, ImageMagic.COMMON, ImageMagic.PSTREE,
                PstreeEntry.parser()::parseFrom, null, null, false);
        if (pstree.isEmpty()) {
            throw new ImageFormatException(Kind.INCONSISTENT, pstreePath, 8, "no processes in the dump");
        }

        // per task: core (comm, state) and ids (files_id); zombies have no ids
        Map<Integer, TaskImages> tasks = new LinkedHashMap<>();
        for (Entry<PstreeEntry> e : pstree) {
            PstreeEntry p = e.message();
            if (!p.hasPid() || p.getPid() == 0) {
                throw new ImageFormatException(Kind.INCONSISTENT, pstreePath, e.offset(), "process entry without a pid");
            }
            if (tasks.put(p.getPid(), new TaskImages(p, e.offset())) != null) {
                throw new ImageFormatException(Kind.INCONSISTENT, pstreePath, e.offset(), "pid " + p.getPid() + " appears twice");
            }
        }
        inParallel(new ArrayList<>(tasks.values()), t -> readTask(src, control, t));

        Path filesPath = src.pathOf("files.img");
        Map<Integer, Entry<FileEntry>> files = new HashMap<>();
        boolean anyFds = tasks.values().stream().anyMatch(t -> t.ids != null);
        for (Entry<FileEntry> e : src.readAll("files.img", control, ImageMagic.COMMON, ImageMagic.FILES,
                FileEntry.parser()::parseFrom, null, null, !anyFds)) {
            FileEntry f = e.message();
            if (!f.hasId() || !f.hasType()) {
                throw new ImageFormatException(Kind.INCONSISTENT, filesPath, e.offset(), "file entry without id or type");
            }
            if (files.put(f.getId(), e) != null) {
                throw new ImageFormatException(Kind.INCONSISTENT, filesPath, e.offset(), "file id " + f.getId() + " appears twice");
            }
        }

        // fd tables are shared between tasks with the same files_id: read each once
        Map<Integer, List<Entry<FdinfoEntry>>> fdTables = new java.util.concurrent.ConcurrentHashMap<>();
        List<Integer> filesIds = tasks.values().stream().filter(t -> t.ids != null).map(t -> t.ids.getFilesId()).distinct().toList();
        inParallel(filesIds, filesId -> fdTables.put(filesId, src.readAll("fdinfo-" + Integer.toUnsignedString(filesId) + ".img",
                control, ImageMagic.COMMON, ImageMagic.FDINFO, FdinfoEntry.parser()::parseFrom, null, null, false)));

        Map<Long, Long> pipeBytes = new HashMap<>();
        for (Entry<PipeDataEntry> e : src.readAll("pipes-data.img", control, ImageMagic.COMMON, ImageMagic.PIPES_DATA,
                PipeDataEntry.parser()::parseFrom, d -> Integer.toUnsignedLong(d.getBytes()), "pipe data", true)) {
            pipeBytes.merge(Integer.toUnsignedLong(e.message().getPipeId()), Integer.toUnsignedLong(e.message().getBytes()), Long::sum);
        }
        for (Entry<PipeDataEntry> e : src.readAll("fifo-data.img", control, ImageMagic.COMMON, ImageMagic.FIFO_DATA,
                PipeDataEntry.parser()::parseFrom, d -> Integer.toUnsignedLong(d.getBytes()), "FIFO data", true)) {
            pipeBytes.merge(Integer.toUnsignedLong(e.message().getPipeId()), Integer.toUnsignedLong(e.message().getBytes()), Long::sum);
        }
        Map<Integer, long[]> skQueues = new HashMap<>(); // file id -> {bytes, packets, first packet's bytes}
        for (Entry<SkPacketEntry> e : src.readAll("sk-queues.img", control, ImageMagic.COMMON, ImageMagic.SK_QUEUES,
                SkPacketEntry.parser()::parseFrom, d -> Integer.toUnsignedLong(d.getLength()), "queued packet data", true)) {
            long[] q = skQueues.computeIfAbsent(e.message().getIdFor(), k -> new long[3]);
            long len = Integer.toUnsignedLong(e.message().getLength());
            if (q[1] == 0) q[2] = len;
            q[0] += len;
            q[1]++;
        }

        IpcGraph graph = join(src, inventory, tasks, files, fdTables, pipeBytes, skQueues, t0);
        CriuStats.Dump ds = CriuStats.read(src, CriuStats.DUMP_FILE, control).map(CriuStats::dump).orElse(null);
        CriuStats.Restore rs = CriuStats.read(src, CriuStats.RESTORE_FILE, control).map(CriuStats::restore).orElse(null);
        RestoreFlags flags = RestoreFlags.read(src, control, files.values());
        return new ImageDump(dir, inventory.getImgVersion(), inventory.getDumpCriuRunId(), graph,
                ImageObligations.of(graph), ds, rs, src.fileCount(), flags);
    }

    private static InventoryEntry readInventory(ImageFile f) throws ImageFormatException {
        Path inv = f.path();
        List<Entry<InventoryEntry>> l = f.readAll(0, ImageMagic.INVENTORY, InventoryEntry.parser()::parseFrom, null, null);
        if (l.isEmpty()) throw new ImageFormatException(Kind.INCONSISTENT, inv, 4, "the inventory has no entry");
        InventoryEntry e = l.get(0).message();
        if (!e.hasImgVersion()) {
            throw new ImageFormatException(Kind.INCONSISTENT, inv, l.get(0).offset(), "the inventory has no img_version");
        }
        if (e.getImgVersion() != 2) {
            throw new ImageFormatException(Kind.UNSUPPORTED_VERSION, inv, l.get(0).offset(),
                    "image version " + e.getImgVersion() + " (only version 2, CRIU 1.x and later, is supported)");
        }
        if (!e.getFdinfoPerId()) {
            throw new ImageFormatException(Kind.UNSUPPORTED_VERSION, inv, l.get(0).offset(),
                    "too old image: fd tables are not stored per files_id (CRIU refuses it too)");
        }
        return e;
    }

    /** What one pstree entry needs from its own images. */
    private static final class TaskImages {
        final PstreeEntry pstree;
        final long pstreeOffset;
        CoreSummary core;
        TaskKobjIdsEntry ids;

        TaskImages(PstreeEntry p, long off) {
            this.pstree = p;
            this.pstreeOffset = off;
        }
    }

    /** Work on one item that may fail with a typed error. */
    @FunctionalInterface
    private interface ImageTask<T> {
        void run(T item) throws ImageFormatException;
    }

    /** Carries a typed error out of a parallel stream. */
    private static final class Failure extends RuntimeException {
        final ImageFormatException error;

        Failure(ImageFormatException e) {
            super(e.getMessage(), null, false, false);
            this.error = e;
        }
    }

    /** Runs {@code work} for every item on the common pool; the first typed error wins. */
    private static <T> void inParallel(List<T> items, ImageTask<T> work) throws ImageFormatException {
        try {
            (items.size() < 64 ? items.stream() : items.parallelStream()).forEach(item -> {
                try {
                    work.run(item);
                } catch (ImageFormatException e) {
                    throw new Failure(e);
                }
            });
        } catch (Failure f) {
            throw f.error;
        }
    }

    private static void readTask(ImageSource src, ImageReadControl control, TaskImages t) throws ImageFormatException {
        String pid = Integer.toUnsignedString(t.pstree.getPid());
        String core = "core-" + pid + ".img";
        List<Entry<CoreSummary>> l = src.readAll(core, control, ImageMagic.COMMON, ImageMagic.CORE, CoreSummary::decode,
                null, null, false);
        if (l.isEmpty() || !l.get(0).message().hasTc()) {
            throw new ImageFormatException(Kind.INCONSISTENT, src.pathOf(core), l.isEmpty() ? 8 : l.get(0).offset(),
                    "the main thread's core image has no task_core entry (tc)");
        }
        t.core = l.get(0).message();
        if (t.core.taskState() == TASK_DEAD) return; // zombies have only core
        String idsName = "ids-" + pid + ".img";
        List<Entry<TaskKobjIdsEntry>> ids = src.readAll(idsName, control, ImageMagic.COMMON, ImageMagic.IDS,
                TaskKobjIdsEntry.parser()::parseFrom, null, null, false);
        if (ids.isEmpty() || !ids.get(0).message().hasFilesId()) {
            throw new ImageFormatException(Kind.INCONSISTENT, src.pathOf(idsName), ids.isEmpty() ? 8 : ids.get(0).offset(),
                    "no files_id: the task's fd table cannot be found");
        }
        t.ids = ids.get(0).message();
    }

    private static IpcGraph join(ImageSource src, InventoryEntry inventory, Map<Integer, TaskImages> tasks,
                                 Map<Integer, Entry<FileEntry>> files, Map<Integer, List<Entry<FdinfoEntry>>> fdTables,
                                 Map<Long, Long> pipeBytes, Map<Integer, long[]> skQueues, long t0) throws ImageFormatException {
        Path dir = src.location();
        Path filesPath = src.pathOf("files.img");
        List<ScanProblem> problems = new ArrayList<>();

        // every unix socket in files.img, including those no fd holds (external peers)
        Map<Integer, SocketBuild> socketsById = new HashMap<>();
        Map<Long, SocketBuild> socketsByIno = new LinkedHashMap<>();
        for (Entry<FileEntry> e : files.values()) {
            FileEntry f = e.message();
            if (f.getType() != FdDecoder.FD_UNIXSK) continue;
            if (!f.hasUsk() || !f.getUsk().hasIno()) {
                throw new ImageFormatException(Kind.INCONSISTENT, filesPath, e.offset(),
                        "unix socket file id " + f.getId() + " has no unix_sk entry or inode");
            }
            SocketBuild b = new SocketBuild(f.getUsk(), f.getId());
            socketsById.put(f.getId(), b);
            if (socketsByIno.put(Integer.toUnsignedLong(f.getUsk().getIno()), b) != null) {
                throw new ImageFormatException(Kind.INCONSISTENT, filesPath, e.offset(),
                        "two file entries for unix socket inode " + Integer.toUnsignedLong(f.getUsk().getIno()));
            }
        }
        Map<Long, PipeBuild> pipes = new LinkedHashMap<>();

        Map<Integer, ProcessInfo> procs = new LinkedHashMap<>();
        for (TaskImages t : tasks.values()) {
            PstreeEntry p = t.pstree;
            int pid = p.getPid();
            List<FdInfo> fds = new ArrayList<>();
            if (t.ids != null) {
                int filesId = t.ids.getFilesId();
                Path fdPath = src.pathOf("fdinfo-" + Integer.toUnsignedString(filesId) + ".img");
                for (Entry<FdinfoEntry> fe : fdTables.get(filesId)) {
                    FdinfoEntry fdi = fe.message();
                    if (!fdi.hasId() || !fdi.hasFd()) {
                        throw new ImageFormatException(Kind.INCONSISTENT, fdPath, fe.offset(), "fd entry without fd number or file id");
                    }
                    Entry<FileEntry> file = files.get(fdi.getId());
                    if (file == null) {
                        throw new ImageFormatException(Kind.INCONSISTENT, fdPath, fe.offset(), "fd " + fdi.getFd()
                                + " refers to file id " + fdi.getId() + ", which files.img does not have");
                    }
                    Holder h = new Holder(pid, fdi.getFd());
                    fds.add(FdDecoder.fdFor(filesPath, file, files, h, socketsById, pipes));
                }
            }
            CoreSummary tc = t.core;
            procs.put(pid, new ProcessInfo(pid, p.getPpid(), tc.comm(), List.of(), -1, stateLetter(tc.taskState()),
                    p.getPgid(), p.getSid(), -1, 0, fds, true));
        }

        List<UnixSocket> sockets = new ArrayList<>(socketsByIno.size());
        for (SocketBuild b : socketsByIno.values()) {
            UnixSkEntry u = b.usk;
            boolean ext = (u.getUflags() & FdDecoder.USK_EXTERN) != 0;
            SocketType type = ext ? SocketType.UNKNOWN : SocketType.fromLinux(u.getType());
            SocketState state = ext ? SocketState.OTHER : SocketState.fromLinux(u.getState());
            long[] q = skQueues.get(b.fileId);
            // the kernel's (sock_diag's) reading: all bytes for stream/seqpacket, the next datagram's size for dgram
            long recv = q == null ? 0 : (type == SocketType.DGRAM ? q[2] : q[0]);
            sockets.add(new UnixSocket(Integer.toUnsignedLong(u.getIno()), type, state,
                    SocketName.fromRaw(u.getName().toByteArray()), Integer.toUnsignedLong(u.getPeer()), recv,
                    Integer.toUnsignedLong(u.getBacklog()), List.of(), ext ? List.of() : b.holders, ext));
        }
        List<Pipe> pipeList = new ArrayList<>(pipes.size());
        for (PipeBuild b : pipes.values()) {
            pipeList.add(new Pipe(b.ino, b.fifoPath, b.readers, b.writers, pipeBytes.getOrDefault(b.ino, 0L)));
        }
        IpcGraph.Meta meta = new IpcGraph.Meta(IpcGraph.Source.IMAGES, dir.toAbsolutePath().toString(), Instant.now(),
                true, System.nanoTime() - t0);
        return IpcGraph.of(meta, procs.values(), sockets, pipeList, problems);
    }

    static char stateLetter(int taskState) {
        return switch (taskState) {
            case TASK_ALIVE -> 'S';
            case TASK_DEAD -> 'Z';
            case TASK_STOPPED -> 'T';
            default -> '?';
        };
    }
}
