package org.criuatlas.plan.restore;

import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ReferencedFiles.RegularFile;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.plan.restore.RestorePreview.Conflict;
import org.criuatlas.plan.restore.RestorePreview.Kind;
import org.criuatlas.plan.restore.RestorePreview.Severity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a dump's images with the machine as it is now (pure: what the machine has comes through
 * {@link LiveSide}, so fixtures can stand in for it).
 */
public final class RestorePreviewer {
    private RestorePreviewer() {}

    /** A path on the machine now: whether something is there, what, how big and when it last changed. */
    /**
     * @param buildId the GNU build-id of an ELF file there (lower-case hex), null when it is not one, has
     *                none, or it was not looked at (a bridge before build-ids)
     */
    public record LiveFile(boolean exists, boolean socket, boolean regular, long size, Instant modified, String buildId) {
        public static final LiveFile MISSING = new LiveFile(false, false, false, -1, null);

        public LiveFile(boolean exists, boolean socket, boolean regular, long size, Instant modified) {
            this(exists, socket, regular, size, modified, null);
        }

        /** The same file there with its build-id. */
        public LiveFile withBuildId(String id) {
            return new LiveFile(exists, socket, regular, size, modified, id);
        }

        public String describe() {
            if (!exists) return "nothing there";
            if (socket) return "a unix socket file";
            return (regular ? size + " bytes" : "present") + (modified == null ? "" : ", modified " + modified);
        }
    }

    /** What the machine has now. */
    public interface LiveSide {
        /** What runs as {@code pid} now, in words ("python3 -c ... (state S)"), null when the pid is free. */
        String processAt(int pid);

        /** The path now (never follows into /proc tricks: a plain lstat-like answer). */
        LiveFile file(String path);

        /** Live processes that hold a unix socket bound to {@code path} ("pid 12 python3"), empty when none. */
        List<String> socketHolders(String path);

        /** The ELF build-id of the regular file at {@code path} now (lower-case hex), null when none or unknown. */
        default String buildId(String path) { return null; }
    }

    /** A {@link LiveSide} from a live scan, a pid probe (for processes the scan could not see) and a file probe. */
    public static LiveSide of(IpcGraph live, java.util.function.IntPredicate pidExists, java.util.function.Function<String, LiveFile> files) {
        return of(live, pidExists, files, path -> null);
    }

    /** As {@link #of(IpcGraph, java.util.function.IntPredicate, java.util.function.Function)}, with a build-id probe. */
    public static LiveSide of(IpcGraph live, java.util.function.IntPredicate pidExists, java.util.function.Function<String, LiveFile> files,
                              java.util.function.UnaryOperator<String> buildIds) {
        return new LiveSide() {
            @Override
            public String buildId(String path) { return buildIds.apply(path); }

            @Override
            public String processAt(int pid) {
                ProcessInfo p = live.process(pid);
                if (p != null) return p.commandText() + " (state " + p.state() + ")";
                return pidExists.test(pid) ? "a process this scan cannot see" : null;
            }

            @Override
            public LiveFile file(String path) { return files.apply(path); }

            @Override
            public List<String> socketHolders(String path) {
                Set<String> out = new LinkedHashSet<>();
                for (UnixSocket s : live.sockets().values()) {
                    if (s.name().kind() != SocketName.Kind.PATH || !s.name().value().equals(path)) continue;
                    for (Holder h : s.holders()) {
                        ProcessInfo p = live.process(h.pid());
                        out.add("pid " + h.pid() + (p == null ? "" : " " + p.comm()));
                    }
                }
                return List.copyOf(out);
            }
        };
    }

    /**
     * The dump recorded one build-id and the file now has another or none (null: not an ELF file any more).
     * The image holds whole 4-byte words, so the live id is compared padded with zero bytes to a word.
     */
    static boolean buildIdDiffers(String atDump, String now) {
        if (now == null) return true;
        StringBuilder padded = new StringBuilder(now);
        while (padded.length() % 8 != 0) padded.append('0');
        return !atDump.equals(padded.toString());
    }

    /** The preview of restoring {@code dump} (written at {@code dumpedAt}, may be null) on {@code host} as {@code live} has it. */
    public static RestorePreview preview(ImageDump dump, List<RegularFile> files, Instant dumpedAt, String host, LiveSide live) {
        IpcGraph g = dump.graph();
        List<Conflict> conflicts = new ArrayList<>();
        List<String> afterwards = new ArrayList<>();

        for (ProcessInfo p : g.processes().values()) {
            String now = live.processAt(p.pid());
            if (now == null) continue;
            conflicts.add(new Conflict(Kind.PID_TAKEN, Severity.BLOCKS, "pid " + p.pid(), p.comm() + " (pid " + p.pid() + ")", now,
                    List.of(p.pid()), "CRIU restores every process with its dumped pid: stop pid " + p.pid()
                    + " first (or restore in a new pid namespace)"));
        }

        Set<String> seenPaths = new TreeSet<>();
        for (UnixSocket s : g.sockets().values()) {
            if (s.name().kind() != SocketName.Kind.PATH || s.name().value().isEmpty()) continue;
            String path = s.name().value();
            if (!seenPaths.add((s.externalPeer() ? "peer " : "bound ") + path)) continue;
            LiveFile f = live.file(path);
            if (s.externalPeer()) {
                List<Integer> pids = new ArrayList<>();
                List<String> keys = new ArrayList<>();
                for (UnixSocket in : g.sockets().values()) {
                    if (in.peer() == s.ino() && !in.externalPeer()) {
                        keys.add(in.key());
                        in.holders().forEach(h -> pids.add(h.pid()));
                    }
                }
                if (!f.exists() || !f.socket()) {
                    conflicts.add(new Conflict(Kind.SOCKET_PATH_MISSING, Severity.BLOCKS, path,
                            "the peer outside the dump of " + String.join(", ", keys) + " was bound here",
                            f.exists() ? "not a socket: " + f.describe() : "nothing there", distinct(pids),
                            "start the service that listens at " + path + ", or hand the restore a new socket with --inherit-fd "
                                    + (keys.isEmpty() ? "" : "fd[N]:" + keys.get(0))));
                } else {
                    afterwards.add(String.join(", ", keys) + " reconnects to " + path + " by name: a new connection, the service sees a new client");
                }
            } else {
                if (!f.exists()) continue;
                List<String> holders = live.socketHolders(path);
                List<Integer> pids = s.holders().stream().map(Holder::pid).distinct().toList();
                conflicts.add(new Conflict(Kind.SOCKET_PATH_EXISTS, holders.isEmpty() ? Severity.WARNS : Severity.BLOCKS, path,
                        s.key() + " of the dump was bound here",
                        holders.isEmpty() ? f.describe() + " (no live socket holds it)" : "bound now by " + String.join(", ", holders),
                        pids, holders.isEmpty() ? "remove the stale socket file " + path + " if the restore cannot bind it"
                        : "stop what listens at " + path + " (" + String.join(", ", holders) + ") before restoring"));
            }
        }

        Set<String> seenFiles = new TreeSet<>();
        for (RegularFile rf : files) {
            String path = rf.path();
            if (!path.startsWith("/") || !seenFiles.add(path) || isVirtual(path)) continue;
            boolean dir = (rf.mode() & 0170000) == 0040000;
            if (!rf.regular() && !dir) continue;
            LiveFile f = live.file(path);
            String idNow; // the file's build-id now, read (once) only when the dump recorded one
            List<Integer> pids = holdersOf(g, path);
            if (!f.exists()) {
                conflicts.add(new Conflict(Kind.FILE_MISSING, Severity.BLOCKS, path,
                        (dir ? "a directory" : "a file" + (rf.size() >= 0 ? " of " + rf.size() + " bytes" : "")) + " the processes had open or mapped",
                        "nothing there", pids, "put " + path + " back (CRIU reopens it by path)"));
            } else if (rf.regular() && rf.size() >= 0 && f.regular() && f.size() != rf.size()) {
                conflicts.add(new Conflict(Kind.FILE_SIZE_CHANGED, Severity.BLOCKS, path, rf.size() + " bytes at dump time", f.describe(),
                        pids, "CRIU refuses a file whose size changed since the dump: restore the file as it was"));
            } else if (rf.buildId() != null && f.regular() && buildIdDiffers(rf.buildId(), idNow = live.buildId(path))) {
                conflicts.add(new Conflict(Kind.FILE_BUILD_ID_CHANGED, Severity.BLOCKS, path, "ELF build-id " + rf.buildId() + " at dump time",
                        idNow == null ? f.describe() + ", no build-id" : "build-id " + idNow + " (" + f.describe() + ")", pids,
                        "CRIU refuses a program or library rebuilt since the dump (\"has bad build-ID\"): put back the build the tree ran"));
            } else if (rf.regular() && dumpedAt != null && f.modified() != null && f.modified().isAfter(dumpedAt)) {
                conflicts.add(new Conflict(Kind.FILE_MODIFIED, Severity.WARNS, path, "dumped at " + dumpedAt, f.describe(), pids,
                        "same size, newer contents: the restored process reads what is there now"));
            }
        }

        List<RestorePreview.Wired> wiring = new ArrayList<>();
        RestoreWiringPlan plan = RestoreWiringPlan.of(dump);
        for (WiringRow r : plan.rows()) {
            wiring.add(new RestorePreview.Wired(r.key(), r.object(), r.inheritArgument(), r.destination().describe()));
            if (r.destination().kind() == Destination.Kind.RECONNECT) continue; // said with the socket path above
            afterwards.add(r.key() + " is a new " + (r.key().startsWith("pipe") ? "pipe" : "socket") + ": what held its other end before the dump is not"
                    + " reconnected; the new end is " + r.destination().describe());
        }
        if (dump.obligations().stream().anyMatch(o -> o.kind() == RestoreObligation.Kind.SHELL_JOB)) {
            afterwards.add("the tree was a shell job: it joins the restoring session and terminal (--shell-job)");
        }
        afterwards.addAll(dump.restoreFlags().reasons());
        if (!g.processes().isEmpty()) {
            afterwards.add("the processes come back with their dumped pids; the root's parent is criu (or CRIU Atlas with --restore-sibling),"
                    + " not its old parent");
        }
        conflicts.sort(Comparator.comparing(Conflict::severity).thenComparing(Conflict::kind));
        return new RestorePreview(dump.dir(), dumpedAt, host, g.processes().size(), conflicts, wiring, afterwards);
    }

    private static boolean isVirtual(String path) {
        return path.startsWith("/proc/") || path.startsWith("/sys/") || path.startsWith("/dev/");
    }

    private static List<Integer> holdersOf(IpcGraph g, String path) {
        Set<Integer> pids = new TreeSet<>();
        for (ProcessInfo p : g.processes().values()) {
            for (FdInfo f : p.fds()) {
                if ((f.kind() == FdKind.REGULAR || f.kind() == FdKind.DIRECTORY) && path.equals(f.target())) pids.add(p.pid());
            }
        }
        return List.copyOf(pids);
    }

    private static List<Integer> distinct(List<Integer> pids) {
        return List.copyOf(new TreeSet<>(pids));
    }
}
