package org.criuatlas.ui.graph;

import org.criuatlas.model.ProcessInfo;

import java.util.List;

/**
 * The container a runtime's monitor process stands for, from its own command line: podman's
 * {@code conmon} is started with {@code -n NAME} ({@code --name}) and {@code -c ID} ({@code --cid});
 * containerd's shim with {@code -id ID}. The graph labels the monitor (and the group of its subtree)
 * with that name, so the live graph names the containers without asking the engine.
 */
public final class ContainerLabel {
    private ContainerLabel() {}

    /** The container's name (or short id), null when {@code p} is not a container monitor or says neither. */
    public static String of(ProcessInfo p) {
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

    /** The graph's label of {@code p}: "NAME (conmon PID)" for a container monitor, else "comm PID". */
    public static String label(ProcessInfo p) {
        String name = of(p);
        return name == null ? p.comm() + " " + p.pid() : name + " (" + p.comm() + " " + p.pid() + ")";
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
