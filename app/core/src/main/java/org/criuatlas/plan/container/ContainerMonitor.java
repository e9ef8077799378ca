package org.criuatlas.plan.container;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A container as the live graph shows it: its runtime's monitor process ({@code conmon} for podman,
 * {@code containerd-shim} for containerd) and the container's init below it. The monitor's own command
 * line names the container: podman starts {@code conmon} with {@code -n NAME} ({@code --name}) and
 * {@code -c ID} ({@code --cid}); containerd its shim with {@code -id ID}. Pure: reads only the snapshot.
 *
 * @param name       the container's name (or its short id when the monitor names none)
 * @param engine     "podman" for conmon, "containerd" for a containerd shim
 * @param monitorPid the monitor's pid
 * @param initPid    the container's init (its pid 1 inside), -1 when the snapshot shows none
 */
public record ContainerMonitor(String name, String engine, int monitorPid, int initPid) {

    /** The container's name (or short id) when {@code p} is a container monitor that says one, else null. */
    public static String nameOf(ProcessInfo p) {
        List<String> a = p.cmdline();
        String c = p.comm();
        if (c.equals("conmon")) {
            String name = value(a, "-n", "--name");
            if (name != null && !name.isBlank()) return name;
            String id = value(a, "-c", "--cid");
            return id == null ? null : shortId(id);
        }
        if (c.startsWith("containerd-shim")) {
            String id = value(a, "-id", "--id");
            return id == null ? null : shortId(id);
        }
        return null;
    }

    /** The container of {@code pid}: the monitor itself or the nearest monitor above it; empty when none. */
    public static Optional<ContainerMonitor> of(IpcGraph g, int pid) {
        ProcessInfo p = g.process(pid);
        for (int hops = 0; p != null && hops < 4096; hops++) {
            String name = nameOf(p);
            if (name != null) return Optional.of(new ContainerMonitor(name, p.comm().equals("conmon") ? "podman" : "containerd",
                    p.pid(), init(g, p.pid())));
            if (p.ppid() == p.pid() || p.ppid() <= 0) break;
            p = g.process(p.ppid());
        }
        return Optional.empty();
    }

    /** The container called {@code nameOrId} (a name, or a prefix of its id of at least 4 characters). */
    public static Optional<ContainerMonitor> named(IpcGraph g, String nameOrId) {
        for (ProcessInfo p : g.processes().values()) {
            String n = nameOf(p);
            if (n == null) continue;
            String id = value(p.cmdline(), "-c", "--cid");
            if (n.equals(nameOrId) || (id != null && nameOrId.length() >= 4 && id.startsWith(nameOrId))) return of(g, p.pid());
        }
        return Optional.empty();
    }

    /** Every container the snapshot shows, by monitor pid. */
    public static List<ContainerMonitor> all(IpcGraph g) {
        List<ContainerMonitor> out = new ArrayList<>();
        for (ProcessInfo p : g.processes().values()) if (nameOf(p) != null) of(g, p.pid()).ifPresent(out::add);
        out.sort(java.util.Comparator.comparingInt(ContainerMonitor::monitorPid));
        return out;
    }

    /**
     * The container's init: the monitor's child that is not the runtime itself ({@code runc}/{@code crun}
     * run only while the container starts); the lowest pid when there are several.
     */
    static int init(IpcGraph g, int monitor) {
        int best = -1;
        for (ProcessInfo c : g.processes().values()) {
            if (c.ppid() != monitor || c.pid() == monitor) continue;
            if (c.comm().equals("runc") || c.comm().equals("crun")) continue;
            if (best < 0 || c.pid() < best) best = c.pid();
        }
        return best;
    }

    /** "web (conmon 1234)": how the window names it. */
    public String label() {
        return name + " (" + (engine.equals("podman") ? "conmon" : "shim") + " " + monitorPid + ")";
    }

    private static String value(List<String> args, String shortName, String longName) {
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if ((s.equals(shortName) || s.equals(longName)) && i + 1 < args.size()) return args.get(i + 1);
            if (s.startsWith(longName + "=")) return s.substring(longName.length() + 1);
        }
        return null;
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
