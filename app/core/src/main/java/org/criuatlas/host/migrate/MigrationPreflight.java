package org.criuatlas.host.migrate;

import org.criuatlas.host.CriuStatus;
import org.criuatlas.host.Host;
import org.criuatlas.host.migrate.Preflight.Check;
import org.criuatlas.host.migrate.Preflight.Finding;
import org.criuatlas.host.migrate.Preflight.Severity;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.restore.RestorePreviewer.LiveFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks before a tree moves, asked of the target host through its bridge (and of the source
 * for the facts to compare with): the target's CRIU and {@code criu check}; the plan (it must
 * dump); the tree's pids free there; every regular file and folder the tree has open present there
 * at the same path with the same size (and the same modification time, else a warning); every
 * program and library it maps there with the same size and ELF build-id (CRIU refuses either); the
 * tree's bound unix socket paths free there and the named peers outside it present; what the restore
 * must be handed and how it will be wired. Reads only.
 */
public final class MigrationPreflight {
    private MigrationPreflight() {}

    /**
     * @param graph        the source's live graph the plan was made from
     * @param leaveRunning the dump leaves the tree running (so on one machine its pids stay taken)
     */
    public static Preflight check(Host source, String sourceName, Host target, String targetName, IpcGraph graph, DumpPlan plan,
                                  boolean leaveRunning) throws IOException {
        Objects.requireNonNull(plan, "plan");
        List<Finding> out = new ArrayList<>();
        String sb = source.bootId(), tb = target.bootId();
        boolean same = sb != null && sb.equals(tb);

        criu(source, target, targetName, out);

        if (plan.willSucceed()) out.add(new Finding(Check.PLAN, Severity.OK, "", "the dump of " + plan.root() + " (" + plan.dumped().size()
                + " process" + (plan.dumped().size() == 1 ? "" : "es") + ") will succeed as planned"));
        else plan.reasons().forEach(r -> out.add(new Finding(Check.PLAN, Severity.BLOCKS, "", "the dump would fail: " + r)));

        Set<Integer> tree = new TreeSet<>(plan.dumped());
        pids(target, targetName, tree, same, leaveRunning, out);
        files(source, target, targetName, graph, tree, same, out);
        mapped(source, sourceName, target, targetName, tree, same, out);
        sockets(target, targetName, graph, tree, same, leaveRunning, out);
        wiring(plan, targetName, out);
        return new Preflight(sourceName, targetName, same, out);
    }

    private static void criu(Host source, Host target, String targetName, List<Finding> out) {
        CriuStatus t = target.criuStatus();
        if (!t.found()) {
            out.add(new Finding(Check.CRIU, Severity.BLOCKS, "", "no CRIU on " + targetName + ": " + t.via()));
            return;
        }
        out.add(new Finding(Check.CRIU, t.checkOk() ? Severity.OK : Severity.BLOCKS, t.path().toString(),
                "CRIU " + t.version() + " on " + targetName + " (" + t.path() + "); criu check: " + t.check()));
        CriuStatus s = source.criuStatus();
        if (s.found() && s.version() != null && t.version() != null && !s.version().equals(t.version())) {
            boolean older = compare(t.version(), s.version()) < 0;
            out.add(new Finding(Check.CRIU, older ? Severity.WARNS : Severity.OK, "", "the images are written by CRIU " + s.version()
                    + " and read by CRIU " + t.version() + (older ? ": an older CRIU may not read a newer one's images" : "")));
        }
    }

    private static void pids(Host target, String targetName, Set<Integer> tree, boolean same, boolean leaveRunning, List<Finding> out) {
        Map<Integer, Character> taken = target.processStates(tree);
        if (taken.isEmpty()) {
            out.add(new Finding(Check.PIDS, Severity.OK, "", "the tree's " + tree.size() + " pid" + (tree.size() == 1 ? " is" : "s are")
                    + " free on " + targetName));
            return;
        }
        for (Map.Entry<Integer, Character> e : new TreeMap<>(taken).entrySet()) {
            if (same && !leaveRunning) {
                out.add(new Finding(Check.PIDS, Severity.OK, "pid " + e.getKey(), "pid " + e.getKey() + " is the tree's own: "
                        + targetName + " is the same machine (one boot id), so the dump frees it"));
            } else {
                out.add(new Finding(Check.PIDS, Severity.BLOCKS, "pid " + e.getKey(), "pid " + e.getKey() + " is in use on " + targetName
                        + " (state " + e.getValue() + "): CRIU restores every process with its own pid"
                        + (same ? "; the dump leaves the tree running on this same machine" : "")));
            }
        }
    }

    /** Regular files and folders the tree has open (and its working folders), compared on both hosts. */
    private static void files(Host source, Host target, String targetName, IpcGraph g, Set<Integer> tree, boolean same,
                              List<Finding> out) throws IOException {
        Set<String> paths = new LinkedHashSet<>();
        for (int pid : tree) {
            ProcessInfo p = g.process(pid);
            if (p == null) continue;
            if (p.cwd() != null && p.cwd().startsWith("/") && !p.cwd().endsWith(" (deleted)")) paths.add(p.cwd());
            for (FdInfo f : p.fds()) {
                if ((f.kind() == FdKind.REGULAR || f.kind() == FdKind.DIRECTORY) && f.target().startsWith("/")
                        && !f.target().endsWith(" (deleted)") && !virtual(f.target())) paths.add(f.target());
            }
        }
        if (paths.isEmpty()) {
            out.add(new Finding(Check.FILES, Severity.OK, "", "the tree has no regular files open"));
            return;
        }
        List<String> list = List.copyOf(paths);
        Map<String, LiveFile> here = source.statPaths(list);
        Map<String, LiveFile> there = target.statPaths(list);
        int fine = 0;
        for (String p : list) {
            LiveFile s = here.get(p), t = there.get(p);
            if (t == null || !t.exists()) {
                out.add(new Finding(Check.FILES, Severity.BLOCKS, p, p + " is missing on " + targetName + ": CRIU reopens it by path"));
            } else if (s != null && s.regular() && (!t.regular() || t.size() != s.size())) {
                out.add(new Finding(Check.FILES, Severity.BLOCKS, p, p + " is " + t.describe() + " on " + targetName + ", "
                        + s.size() + " bytes here: CRIU refuses a file whose size changed"));
            } else if (s != null && s.regular() && s.modified() != null && !s.modified().equals(t.modified())) {
                out.add(new Finding(Check.FILES, Severity.WARNS, p, p + " has the same size on " + targetName + " but was modified at "
                        + t.modified() + " (here " + s.modified() + "): the restored tree reads what is there"));
            } else {
                fine++;
            }
        }
        if (fine > 0) out.add(new Finding(Check.FILES, Severity.OK, "", fine + " of " + list.size() + " open files and folders"
                + " (working folders too) present on " + targetName + " with the same size and modification time" + (same ? " (the same machine)" : "")));
    }

    /**
     * The files the tree maps (programs, libraries, mapped data), compared on both hosts as CRIU will:
     * missing, another size or another build-id blocks (measured with CRIU 4.2.1: "has bad size",
     * "has bad build-ID"); only another modification time warns.
     */
    private static void mapped(Host source, String sourceName, Host target, String targetName, Set<Integer> tree, boolean same,
                               List<Finding> out) throws IOException {
        Map<String, List<Integer>> maps;
        try {
            maps = source.mappedFiles(tree);
        } catch (UnsupportedOperationException e) {
            out.add(new Finding(Check.MAPPED, Severity.WARNS, "", "the programs and libraries the tree maps were not compared: "
                    + sourceName + " cannot list them (" + e.getMessage() + ")"));
            return;
        }
        List<String> list = maps.keySet().stream().filter(p -> !virtual(p)).toList();
        if (list.isEmpty()) {
            out.add(new Finding(Check.MAPPED, Severity.OK, "", "the tree maps no files"));
            return;
        }
        Map<String, LiveFile> here = source.statPaths(list);
        Map<String, LiveFile> there = target.statPaths(list);
        int fine = 0, unknownIds = 0;
        for (String p : list) {
            LiveFile s = here.get(p), t = there.get(p);
            String who = "mapped by pid " + maps.get(p).stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
            if (t == null || !t.exists()) {
                out.add(new Finding(Check.MAPPED, Severity.BLOCKS, p, p + " (" + who + ") is missing on " + targetName
                        + ": CRIU maps it again by path"));
            } else if (s != null && s.regular() && (!t.regular() || t.size() != s.size())) {
                out.add(new Finding(Check.MAPPED, Severity.BLOCKS, p, p + " (" + who + ") is " + t.describe() + " on " + targetName
                        + ", " + s.size() + " bytes here: CRIU refuses it (\"has bad size\"); install the same version there"));
            } else if (s != null && s.buildId() != null && t.buildId() != null && !s.buildId().equals(t.buildId())) {
                out.add(new Finding(Check.MAPPED, Severity.BLOCKS, p, p + " (" + who + ") is another build on " + targetName
                        + " (ELF build-id " + t.buildId() + ", here " + s.buildId() + "): CRIU refuses it (\"has bad build-ID\");"
                        + " install the same version there"));
            } else {
                if (s != null && s.buildId() != null && t.buildId() == null) unknownIds++;
                else if (s != null && s.buildId() == null && s.modified() != null && !s.modified().equals(t.modified())) {
                    out.add(new Finding(Check.MAPPED, Severity.WARNS, p, p + " (" + who + ") has the same size on " + targetName
                            + " but was modified at " + t.modified() + " (here " + s.modified() + "): the restored tree maps what is there"));
                } else {
                    fine++;
                }
            }
        }
        if (unknownIds > 0) out.add(new Finding(Check.MAPPED, Severity.WARNS, "", unknownIds + " ELF file" + (unknownIds == 1 ? "'s" : "s'")
                + " build-id" + (unknownIds == 1 ? " was" : "s were") + " not compared: " + targetName + " did not say (an older criu-atlas"
                + " there); CRIU refuses a library rebuilt with the same size"));
        if (fine > 0) out.add(new Finding(Check.MAPPED, Severity.OK, "", fine + " of " + list.size() + " mapped files (programs, libraries)"
                + " present on " + targetName + " with the same size and, for ELF files, the same build-id" + (same ? " (the same machine)" : "")));
    }

    private static boolean virtual(String path) {
        return path.startsWith("/proc/") || path.startsWith("/sys/") || path.startsWith("/dev/");
    }

    /** The tree's bound paths must be free there; named peers outside the tree must be there. */
    private static void sockets(Host target, String targetName, IpcGraph g, Set<Integer> tree, boolean same, boolean leaveRunning,
                                List<Finding> out) throws IOException {
        Set<String> bound = new TreeSet<>(), peers = new TreeSet<>();
        Set<Long> inTree = new HashSet<>();
        for (UnixSocket s : g.sockets().values()) {
            if (s.holders().stream().map(Holder::pid).anyMatch(tree::contains)) inTree.add(s.ino());
        }
        for (UnixSocket s : g.sockets().values()) {
            if (!inTree.contains(s.ino())) continue;
            if (s.name().kind() == SocketName.Kind.PATH && !s.name().value().isEmpty()) bound.add(s.name().value());
            UnixSocket peer = g.peerOf(s);
            if (peer != null && !inTree.contains(peer.ino()) && peer.name().kind() == SocketName.Kind.PATH) peers.add(peer.name().value());
        }
        if (bound.isEmpty() && peers.isEmpty()) {
            out.add(new Finding(Check.SOCKETS, Severity.OK, "", "the tree has no unix sockets with a path"));
            return;
        }
        List<String> all = new ArrayList<>(bound);
        all.addAll(peers);
        Map<String, LiveFile> there = target.statPaths(all);
        for (String p : bound) {
            LiveFile t = there.get(p);
            if (t == null || !t.exists()) {
                out.add(new Finding(Check.SOCKETS, Severity.OK, p, p + " is free on " + targetName + ": the restore binds it"));
            } else if (same && !leaveRunning) {
                out.add(new Finding(Check.SOCKETS, Severity.WARNS, p, p + " is the tree's own socket on this same machine: its file stays"
                        + " after the dump; CRIU binds the path again at restore"));
            } else {
                out.add(new Finding(Check.SOCKETS, Severity.BLOCKS, p, p + " exists on " + targetName + " (" + t.describe()
                        + "): the restored socket cannot bind it; remove it or stop what listens there"));
            }
        }
        for (String p : peers) {
            LiveFile t = there.get(p);
            boolean ok = t != null && t.exists() && t.socket();
            out.add(new Finding(Check.SOCKETS, ok ? Severity.OK : Severity.BLOCKS, p, ok
                    ? p + " (a peer outside the tree) listens on " + targetName
                    : p + ", a peer outside the tree, is " + (t == null ? "nothing" : t.describe()) + " on " + targetName
                    + ": start the service that listens there, or wire the socket to a new end"));
        }
    }

    private static void wiring(DumpPlan plan, String targetName, List<Finding> out) {
        if (plan.obligations().isEmpty()) {
            out.add(new Finding(Check.WIRING, Severity.OK, "", "the restore needs nothing handed in"));
            return;
        }
        for (RestoreObligation o : plan.obligations()) {
            switch (o.kind()) {
                case SHELL_JOB -> out.add(new Finding(Check.WIRING, Severity.WARNS, "", "the tree is a shell job: on " + targetName
                        + " it joins the restoring bridge's session (--shell-job), without a terminal of yours"));
                case INHERIT_OR_RECONNECT_SOCKET -> out.add(new Finding(Check.WIRING, Severity.OK, o.key(), o.key()
                        + " reconnects by name to " + o.peerName().display() + " on " + targetName + ", or gets a new socket"));
                default -> out.add(new Finding(Check.WIRING, Severity.OK, o.key(), o.key() + " (" + (o.kind() == RestoreObligation.Kind.INHERIT_PIPE
                        ? "a pipe" : "a socket") + " with its other end outside) gets a new one on " + targetName
                        + " (--inherit-fd); its other end is kept by CRIU Atlas there unless wired elsewhere"));
            }
        }
    }

    /** "4.2.1" vs "4.1.1" by numbers. */
    static int compare(String a, String b) {
        String[] x = a.split("[^0-9]+"), y = b.split("[^0-9]+");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length && !x[i].isEmpty() ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length && !y[i].isEmpty() ? Integer.parseInt(y[i]) : 0;
            if (p != q) return Integer.compare(p, q);
        }
        return 0;
    }
}
