package org.criuatlas.ui.graph;

import org.criuatlas.model.ProcessInfo;

import org.criuatlas.plan.container.ContainerMonitor;

/**
 * The container a runtime's monitor process stands for, from its own command line: podman's
 * {@code conmon} is started with {@code -n NAME} ({@code --name}) and {@code -c ID} ({@code --cid});
 * containerd's shim with {@code -id ID}. The graph labels the monitor (and the group of its subtree)
 * with that name, so the live graph names the containers without asking the engine (the parsing is
 * {@link ContainerMonitor}'s, which the planner shares).
 */
public final class ContainerLabel {
    private ContainerLabel() {}

    /** The container's name (or short id), null when {@code p} is not a container monitor or says neither. */
    public static String of(ProcessInfo p) {
        return ContainerMonitor.nameOf(p);
    }

    /** The graph's label of {@code p}: "NAME (conmon PID)" for a container monitor, else "comm PID". */
    public static String label(ProcessInfo p) {
        String name = of(p);
        return name == null ? p.comm() + " " + p.pid() : name + " (" + p.comm() + " " + p.pid() + ")";
    }
}
