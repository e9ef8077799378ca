package org.criuatlas.plan.restore;

import org.criuatlas.bridge.criu.CriuCommandLine;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.InheritKeyCheck;
import org.criuatlas.model.Holder;
import org.criuatlas.model.ObjectKey;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a restore of an image directory gets every object it must be handed: one {@link WiringRow}
 * per restore obligation (plus any the user adds), the criu fd numbers, the destinations of the
 * other ends, what blocks the restore, and the resulting {@link CriuOptions} and command line.
 * Immutable and pure: every edit returns a new plan, or a rejection saying why.
 *
 * <p>fd numbers are criu's own ({@code --inherit-fd fd[N]} names an fd of the criu process, not of
 * the restored task). 0-2 are criu's stdio and {@value #RPC_FD} is kept for the RPC socket CRIU
 * Atlas talks to criu over; new rows get numbers from {@value #FIRST_FD} up. Two rows never share
 * a number: an edit that would clash is rejected.
 *
 * <p>Just over 400 lines because every edit (add, remove, renumber, re-target, options) must
 * re-check the same invariants; the rows and blockers themselves are {@link WiringRow} and its
 * helpers.
 *
 * @param imagesDir      the image directory (never written to: the log and stats go to {@code workDir})
 * @param workDir        criu's work dir for restore.log and stats-restore; null until chosen
 * @param graph          the dump's graph
 * @param obligations    what the image says a restore must be handed
 * @param rows           the wiring, in board order
 * @param shellJob       restore with {@code --shell-job} (the dump was a shell job)
 * @param restoreSibling restore the tree as a child of CRIU Atlas ({@code --restore-sibling})
 * @param tcpEstablished restore with {@code --tcp-established} (the images hold connected TCP sockets)
 * @param fileLocks      restore with {@code --file-locks} (the images hold file locks)
 * @param logLevel       CRIU's log level, 0..4 ({@code -vN}; null, as from a client that predates it: 4)
 */
public record RestoreWiringPlan(Path imagesDir, Path workDir, IpcGraph graph, List<RestoreObligation> obligations,
                                List<WiringRow> rows, boolean shellJob, boolean restoreSibling, boolean tcpEstablished,
                                boolean fileLocks, Integer logLevel) {
    public static final int RPC_FD = 3;
    public static final int FIRST_FD = 10;
    /** criu's default soft RLIMIT_NOFILE is 1024. */
    public static final int MAX_FD = 1023;
    public static final String LOG_FILE = "restore.log";


    /** The result of an edit: the new plan, or the old one with the reason it was refused. */
    public record Edit(RestoreWiringPlan plan, String rejection) {
        public boolean accepted() { return rejection == null; }
    }

    public RestoreWiringPlan {
        Objects.requireNonNull(imagesDir, "imagesDir");
        Objects.requireNonNull(graph, "graph");
        obligations = List.copyOf(obligations);
        rows = List.copyOf(rows);
        if (logLevel == null) logLevel = 4;
        if (logLevel < 0 || logLevel > 4) throw new IllegalArgumentException("log level must be 0..4: " + logLevel);
    }

    /** The default wiring for an image: every object gets a replacement kept in a console, except
     *  datagram sockets whose peer had a name, which reconnect by name. */
    public static RestoreWiringPlan of(ImageDump dump) {
        // what the images hold decides two options: without them CRIU fails (TCP) or drops the locks silently
        return of(dump.dir(), dump.graph(), dump.obligations())
                .withTcpEstablished(dump.restoreFlags().needsTcpEstablished())
                .withFileLocks(dump.restoreFlags().needsFileLocks());
    }

    public static RestoreWiringPlan of(Path imagesDir, IpcGraph graph, List<RestoreObligation> obligations) {
        List<WiringRow> rows = new ArrayList<>();
        boolean shell = false;
        Set<Integer> used = new HashSet<>();
        for (RestoreObligation o : obligations) {
            if (o.kind() == RestoreObligation.Kind.SHELL_JOB) {
                shell = true;
                continue;
            }
            if (rows.stream().anyMatch(r -> r.key().equals(o.key()))) continue;
            WiringRow r = rowFor(o.key(), graph, true);
            if (r == null) continue; // an obligation the graph does not describe: reported by problems()
            int fd = nextFree(used);
            used.add(fd);
            boolean dgramNamed = r.peerNamed() && r.replacement().socketType() == SocketType.DGRAM;
            rows.add(r.withCriuFd(fd).withDestination(dgramNamed ? Destination.reconnect() : Destination.console()));
        }
        return new RestoreWiringPlan(imagesDir, null, graph, obligations, rows, shell, false, false, false, 4);
    }

    // ---- edits -------------------------------------------------------------------------------

    public RestoreWiringPlan withWorkDir(Path dir) {
        return new RestoreWiringPlan(imagesDir, dir, graph, obligations, rows, shellJob, restoreSibling, tcpEstablished, fileLocks, logLevel);
    }

    public RestoreWiringPlan withRestoreSibling(boolean v) {
        return new RestoreWiringPlan(imagesDir, workDir, graph, obligations, rows, shellJob, v, tcpEstablished, fileLocks, logLevel);
    }

    public RestoreWiringPlan withShellJob(boolean v) {
        return new RestoreWiringPlan(imagesDir, workDir, graph, obligations, rows, v, restoreSibling, tcpEstablished, fileLocks, logLevel);
    }

    public RestoreWiringPlan withTcpEstablished(boolean v) {
        return new RestoreWiringPlan(imagesDir, workDir, graph, obligations, rows, shellJob, restoreSibling, v, fileLocks, logLevel);
    }

    public RestoreWiringPlan withFileLocks(boolean v) {
        return new RestoreWiringPlan(imagesDir, workDir, graph, obligations, rows, shellJob, restoreSibling, tcpEstablished, v, logLevel);
    }

    public RestoreWiringPlan withLogLevel(int v) {
        return new RestoreWiringPlan(imagesDir, workDir, graph, obligations, rows, shellJob, restoreSibling, tcpEstablished, fileLocks, v);
    }

    private RestoreWiringPlan withRows(List<WiringRow> r) {
        return new RestoreWiringPlan(imagesDir, workDir, graph, obligations, r, shellJob, restoreSibling, tcpEstablished, fileLocks, logLevel);
    }

    /** Places row {@code index}'s end at criu fd {@code fd}; refused when reserved, out of range or taken. */
    public Edit withCriuFd(int index, int fd) {
        checkIndex(index);
        String why = fdRejection(fd, index);
        if (why != null) return new Edit(this, why);
        List<WiringRow> r = new ArrayList<>(rows);
        r.set(index, rows.get(index).withCriuFd(fd));
        return new Edit(withRows(r), null);
    }

    /** Same, from text a person typed. */
    public Edit withCriuFd(int index, String typed) {
        String t = typed == null ? "" : typed.strip();
        if (!t.matches("\\d{1,9}")) return new Edit(this, "fd \"" + t + "\" is not a number: type a whole number from "
                + (RPC_FD + 1) + " to " + MAX_FD);
        return withCriuFd(index, Integer.parseInt(t));
    }

    /** Points row {@code index} at another image object; refused when the image has no such socket or pipe. */
    public Edit withKey(int index, String typed) {
        checkIndex(index);
        String key = typed == null ? "" : typed.strip();
        if (key.equals(rows.get(index).key())) return new Edit(this, null);
        String why = keyRejection(key, index);
        if (why != null) return new Edit(this, why);
        WiringRow old = rows.get(index);
        WiringRow fresh = rowFor(key, graph, isObligation(key)).withCriuFd(old.criuFd());
        Destination d = old.destination();
        if (d.kind() == Destination.Kind.RECONNECT && !canReconnect(fresh)) d = Destination.console();
        List<WiringRow> r = new ArrayList<>(rows);
        r.set(index, fresh.withDestination(d));
        return new Edit(withRows(r), null);
    }

    /** Adds a row handing in one more image object (kept in a console, at the next free fd). */
    public Edit addRow(String typed) {
        String key = typed == null ? "" : typed.strip();
        String why = keyRejection(key, -1);
        if (why != null) return new Edit(this, why);
        Set<Integer> used = new HashSet<>();
        rows.forEach(x -> used.add(x.criuFd()));
        List<WiringRow> r = new ArrayList<>(rows);
        r.add(rowFor(key, graph, isObligation(key)).withCriuFd(nextFree(used)).withDestination(Destination.console()));
        return new Edit(withRows(r), null);
    }

    public RestoreWiringPlan removeRow(int index) {
        checkIndex(index);
        List<WiringRow> r = new ArrayList<>(rows);
        r.remove(index);
        return withRows(r);
    }

    /** Chooses where row {@code index}'s other end goes; reconnect by name is refused where it cannot work. */
    public Edit withDestination(int index, Destination d) {
        checkIndex(index);
        WiringRow row = rows.get(index);
        if (d.kind() == Destination.Kind.RECONNECT && !canReconnect(row)) {
            return new Edit(this, row.replacement().isPipe()
                    ? "a pipe cannot be reconnected by name: hand in a new pipe"
                    : row.key() + ": its peer had no name, so there is nothing to reconnect to; CRIU would crash the task"
                    + " (--ext-unix-sk on a socketpair end): hand in a new socketpair");
        }
        List<WiringRow> r = new ArrayList<>(rows);
        r.set(index, row.withDestination(d));
        return new Edit(withRows(r), null);
    }

    private static boolean canReconnect(WiringRow r) {
        return !r.replacement().isPipe() && r.peerNamed();
    }

    // ---- validation --------------------------------------------------------------------------

    /** Why {@code fd} cannot be row {@code index}'s criu fd, or null when it can. */
    public String fdRejection(int fd, int index) {
        if (fd >= 0 && fd <= 2) return "fd " + fd + " is criu's " + List.of("stdin", "stdout", "stderr").get(fd) + ": choose "
                + (RPC_FD + 1) + " or more";
        if (fd == RPC_FD) return "fd " + RPC_FD + " is the socket CRIU Atlas talks to criu over: choose another";
        if (fd < 0 || fd > MAX_FD) return "fd " + fd + " is out of range: criu fds go from " + (RPC_FD + 1) + " to " + MAX_FD;
        for (int i = 0; i < rows.size(); i++) {
            if (i != index && rows.get(i).criuFd() == fd)
                return "fd " + fd + " is already used for " + rows.get(i).key() + "; the next free one is " + nextFreeExcept(index);
        }
        return null;
    }

    private int nextFreeExcept(int index) {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) if (i != index) used.add(rows.get(i).criuFd());
        return nextFree(used);
    }

    /** Why {@code key} cannot be handed in (row {@code index}, -1 for a new row), or null when it can. */
    public String keyRejection(String key, int index) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) if (i != index) keys.add(rows.get(i).key());
        keys.add(key);
        for (InheritKeyCheck.Finding f : InheritKeyCheck.check(keys, graph, obligations)) {
            if (f.key().equals(key) && f.severity() == InheritKeyCheck.Severity.ERROR) {
                if (f.message().startsWith("given twice")) return key + " already has a row: CRIU takes each key once";
                return key + " rejected: " + f.message();
            }
        }
        if (ObjectKey.parse(key).isEmpty()) return key + " rejected: CRIU Atlas can wire sockets (socket:[INO]) and pipes (pipe:[INO]) only";
        if (rowFor(key, graph, false) == null) return key + " rejected: no socket or pipe in the image has this key";
        return null;
    }

    private boolean isObligation(String key) {
        return obligations.stream().anyMatch(o -> o.key().equals(key));
    }

    /** Everything that blocks the restore or is worth a warning, in row order. */
    public List<WiringProblem> problems() {
        List<WiringProblem> out = new ArrayList<>();
        for (RestoreObligation o : obligations) {
            if (o.kind() == RestoreObligation.Kind.SHELL_JOB) {
                if (!shellJob) out.add(new WiringProblem(WiringProblem.Severity.BLOCKS, -1, "",
                        "the dump was a shell job: restore with --shell-job"));
                continue;
            }
            int i = indexOf(o.key());
            if (i < 0 && rowFor(o.key(), graph, true) == null) {
                out.add(new WiringProblem(WiringProblem.Severity.BLOCKS, -1, o.key(),
                        o.key() + " must be handed in but the image does not describe it: it cannot be wired"));
                continue;
            }
            if (i < 0 || rows.get(i).destination().kind() == Destination.Kind.NONE) {
                boolean pipe = o.kind() == RestoreObligation.Kind.INHERIT_PIPE;
                out.add(new WiringProblem(pipe ? WiringProblem.Severity.WARNING : WiringProblem.Severity.BLOCKS, i, o.key(),
                        pipe ? o.key() + " is not wired: the restore runs, but " + (o.pipeEndRead()
                                ? "the restored reader sees end-of-file" : "the restored writer gets EPIPE")
                                : o.key() + " is not wired: without a replacement the restore fails with \"External socket found in image\""));
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            WiringRow r = rows.get(i);
            Destination d = r.destination();
            switch (d.kind()) {
                case COMMAND -> {
                    if (d.argument().isBlank()) out.add(new WiringProblem(WiringProblem.Severity.BLOCKS, i, r.key(),
                            r.key() + ": name the command that gets the other end"));
                }
                case UNIX_PATH -> {
                    if (d.argument().isBlank()) out.add(new WiringProblem(WiringProblem.Severity.BLOCKS, i, r.key(),
                            r.key() + ": name the unix socket path to relay to"));
                    else if (!d.argument().startsWith("/")) out.add(new WiringProblem(WiringProblem.Severity.BLOCKS, i, r.key(),
                            r.key() + ": the socket path must be absolute (starts with /)"));
                }
                case RECONNECT -> {
                    UnixSocket peer = peerOf(r.key());
                    String where = peer != null && peer.name().isNamed() ? peer.name().display() : "its peer's name";
                    out.add(new WiringProblem(WiringProblem.Severity.WARNING, i, r.key(), r.key() + ": CRIU reconnects it to "
                            + where + " (--ext-unix-sk); that socket must exist when the restore runs"
                            + (r.replacement().socketType() != null && r.replacement().socketType().isConnectionOriented()
                            ? "; it is a fresh connection: the server must accept again and protocol state is lost" : "")));
                }
                case CONSOLE -> {
                    if (!r.replacement().ourEndReads()) out.add(new WiringProblem(WiringProblem.Severity.WARNING, i, r.key(),
                            r.key() + ": the console can only send (the restored process holds the read end)"));
                    else if (!r.replacement().ourEndWrites()) out.add(new WiringProblem(WiringProblem.Severity.WARNING, i, r.key(),
                            r.key() + ": the console can only show what arrives (the restored process holds the write end)"));
                }
                default -> { }
            }
            if (!r.obligation()) out.add(new WiringProblem(WiringProblem.Severity.WARNING, i, r.key(),
                    r.key() + ": the image does not need this object handed in (both ends were in the dump)"));
        }
        if (workDir != null && workDir.toAbsolutePath().normalize().equals(imagesDir.toAbsolutePath().normalize()))
            out.add(new WiringProblem(WiringProblem.Severity.BLOCKS, -1, "",
                    "the work dir is the image dir: the restore would write its log and stats into the images"));
        return out;
    }

    public List<WiringProblem> problems(int row) {
        return problems().stream().filter(p -> p.row() == row).toList();
    }

    public boolean blocked() {
        return problems().stream().anyMatch(WiringProblem::blocks);
    }

    /** The reasons the restore cannot start, one per line; empty when it can. */
    public List<String> blockingReasons() {
        return problems().stream().filter(WiringProblem::blocks).map(WiringProblem::message).toList();
    }

    public int indexOf(String key) {
        for (int i = 0; i < rows.size(); i++) if (rows.get(i).key().equals(key)) return i;
        return -1;
    }

    /** Rows whose object is handed in with {@code --inherit-fd}. */
    public List<WiringRow> inheritRows() {
        return rows.stream().filter(r -> r.destination().kind().inherits()).toList();
    }

    // ---- output ------------------------------------------------------------------------------

    /** What the restore sends criu: the images, the work dir, inherit-fds, ext-unix-sk for reconnects, the options the images need. */
    public CriuOptions options() {
        List<CriuOptions.InheritFd> inherit = inheritRows().stream()
                .map(r -> new CriuOptions.InheritFd(r.key(), r.criuFd())).toList();
        boolean reconnect = rows.stream().anyMatch(r -> r.destination().kind() == Destination.Kind.RECONNECT);
        return CriuOptions.defaults().withImagesDir(imagesDir).withWorkDir(workDir).withLogFile(LOG_FILE)
                .withShellJob(shellJob).withExtUnixSk(reconnect).withInheritFds(inherit).withRestoreSibling(restoreSibling)
                .withTcpEstablished(tcpEstablished).withFileLocks(fileLocks).withLogLevel(logLevel);
    }

    /**
     * The equivalent bash command, with a comment per inherited fd saying what it is and where the
     * other end goes, and the redirection that puts it at criu's fd N: a process substitution for a
     * pipe handed to a command, else {@code N<&"$FD_N"} for an fd the shell must already hold.
     */
    public String commandLine(Path criu) {
        StringBuilder b = new StringBuilder();
        List<WiringRow> inherit = inheritRows();
        if (!inherit.isEmpty()) b.append("# criu's fd N must be open when criu starts (fd[N] is criu's own fd, not the task's):\n");
        StringBuilder redirs = new StringBuilder();
        for (WiringRow r : inherit) {
            b.append("#   fd ").append(r.criuFd()).append(" -> ").append(r.key()).append(": ").append(criuEnd(r.replacement()))
                    .append("; the other end is ").append(r.destination().describe()).append('\n');
            Replacement rep = r.replacement();
            if (rep.isPipe() && r.destination().kind() == Destination.Kind.COMMAND && !r.destination().argument().isBlank()) {
                // bash builds the pipe itself: the command writes what the restored reader reads, or the reverse
                redirs.append(' ').append(r.criuFd()).append(rep.criuGetsReadEnd() ? "< <(" : "> >(")
                        .append(r.destination().argument()).append(')');
            } else {
                b.append("#     FD_").append(r.criuFd()).append(": an fd this shell holds on that end")
                        .append(rep.isPipe() ? "" : " (bash cannot make a socketpair; CRIU Atlas does it for you)").append('\n');
                redirs.append(' ').append(r.criuFd()).append(rep.isPipe() && !rep.criuGetsReadEnd() ? ">&" : "<&")
                        .append("\"$FD_").append(r.criuFd()).append('"');
            }
        }
        for (WiringRow r : rows) {
            if (r.destination().kind() == Destination.Kind.RECONNECT)
                b.append("# ").append(r.key()).append(": reconnected by name (--ext-unix-sk), no fd\n");
        }
        if (tcpEstablished) b.append("# --tcp-established: the images hold established TCP connections (without it CRIU refuses them)\n");
        if (fileLocks) b.append("# --file-locks: the images hold file locks (without it CRIU restores the tree without them, and says nothing)\n");
        b.append(CriuCommandLine.restore(criu, options(), java.util.Map.of())).append(redirs);
        return b.toString();
    }

    private static String criuEnd(Replacement r) {
        if (!r.isPipe()) return "one end of a new " + r.socketType().label() + " socketpair";
        return r.criuGetsReadEnd() ? "the read end of a new pipe" : "the write end of a new pipe";
    }

    // ---- rows from the graph -----------------------------------------------------------------

    private UnixSocket peerOf(String key) {
        ObjectKey k = ObjectKey.parse(key).orElse(null);
        if (k == null || k.kind() != ObjectKey.Kind.SOCKET) return null;
        UnixSocket s = graph.socket(k.ino());
        return s == null ? null : graph.peerOf(s);
    }

    /** A row (fd 0, not wired) describing {@code key}'s object, or null when the graph has no such socket/pipe. */
    static WiringRow rowFor(String key, IpcGraph g, boolean obligation) {
        ObjectKey k = ObjectKey.parse(key).orElse(null);
        if (k == null) return null;
        long ino = k.ino();
        if (k.kind() == ObjectKey.Kind.SOCKET) {
            UnixSocket s = g.socket(ino);
            if (s == null || s.externalPeer() || s.type() == SocketType.UNKNOWN) return null;
            UnixSocket peer = g.peerOf(s);
            String peerText;
            boolean named = false;
            if (!s.hasPeer()) peerText = "no peer";
            else if (peer == null) peerText = "its peer (inode " + s.peer() + ") is not in the dump";
            else if (peer.name().isNamed()) {
                named = true;
                peerText = "its peer " + peer.name().display() + (peer.externalPeer() ? " was outside the dump" : "");
            } else peerText = "its peer (inode " + peer.ino() + ", no name)" + (peer.externalPeer() ? " was outside the dump" : "");
            String text = key + ": " + s.type().label() + " socket held by " + holders(s.holders()) + "; " + peerText;
            return new WiringRow(key, text, Replacement.socketpair(s.type()), 0, Destination.none(), named, obligation);
        }
        Pipe p = g.pipe(ino);
        if (p == null || p.isFifo()) return null;
        boolean readEnd = p.writers().isEmpty() && !p.readers().isEmpty();
        List<Holder> held = readEnd ? p.readers() : p.writers();
        String text = key + ": " + (readEnd ? "read" : "write") + " end of a pipe held by " + holders(held) + "; the "
                + (readEnd ? "writer" : "reader") + (obligation ? " was outside the dump" : " was in the dump too");
        return new WiringRow(key, text, Replacement.pipe(readEnd), 0, Destination.none(), false, obligation);
    }

    private static String holders(List<Holder> hs) {
        if (hs.isEmpty()) return "no process";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hs.size() && i < 3; i++) {
            if (i > 0) b.append(", ");
            b.append("pid ").append(hs.get(i).pid()).append(" at fd ").append(hs.get(i).fd());
        }
        if (hs.size() > 3) b.append(" and ").append(hs.size() - 3).append(" more");
        return b.toString();
    }

    private static int nextFree(Set<Integer> used) {
        int fd = FIRST_FD;
        while (used.contains(fd)) fd++;
        return fd;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= rows.size()) throw new IndexOutOfBoundsException("no wiring row " + index);
    }
}
