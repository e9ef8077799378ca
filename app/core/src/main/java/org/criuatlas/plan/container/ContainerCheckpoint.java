package org.criuatlas.plan.container;

import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.plan.Crossing;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A container's checkpoint as podman makes it, for the planner: which process CRIU dumps and with which
 * options, and the podman command that does it. podman does not run CRIU itself: it runs the OCI runtime
 * ({@code runc checkpoint --image-path … --work-path … [--leave-running] [--tcp-established]
 * [--file-locks] ID}, libpod's {@code ConmonOCIRuntime.CheckpointContainer}), and runc asks CRIU over RPC
 * (libcontainer's {@code Checkpoint}) with, whatever the user picks: the container's init as the dump's
 * root, its rootfs as {@code root}, {@code manage_cgroups} (mode left to CRIU's default, soft: podman passes
 * no {@code --manage-cgroups-mode}), {@code orphan_pts_master}, {@code notify_scripts}, every bind mount of
 * the OCI spec (and the cgroup v1 mounts, masked files, device nodes) as an external mount
 * {@code mnt[DEST]:DEST}, the network namespace as {@code --external net[INO]:extRootNetNS} when the spec
 * names a path for it (podman's networks do), and the cgroup freezer to stop the tasks; never
 * {@code --ext-unix-sk} nor {@code --shell-job} (podman passes neither). The container's standard streams
 * are pipes to conmon: runc records them ({@code descriptors.json}) and hands new ones to the restore
 * ({@code --inherit-fd}). Pure.
 *
 * @param container      the container
 * @param leaveRunning   {@code --leave-running}
 * @param tcpEstablished {@code --tcp-established} (only on request, as podman and runc do)
 * @param fileLocks      {@code --file-locks}
 */
public record ContainerCheckpoint(ContainerMonitor container, boolean leaveRunning, boolean tcpEstablished, boolean fileLocks) {
    /** The key runc gives the container's network namespace in {@code --external net[INO]:KEY}. */
    public static final String NETNS_KEY = "extRootNetNS";

    /** One option CRIU gets that the user did not pick, and who passes it. */
    public record Assumed(String option, String why) {
        public String text() { return option + " \u2014 " + why; }
    }

    /**
     * What the planner is told: the options the user picked, runc's external network namespace, and the
     * standard-stream pipes to the monitor as handed in at restore.
     */
    public Decisions decisions(IpcGraph g) {
        Decisions d = Decisions.NONE.withObjects(objects(g));
        if (container.initPid() < 0 || g.process(container.initPid()) == null) return d;
        Set<String> stdio = monitorEnds(g, DumpPlanner.plan(g, container.initPid(), d));
        return stdio.isEmpty() ? d : d.withInheritAtRestore(stdio.toArray(String[]::new));
    }

    /** The options for the objects: those the user picked and runc's external network namespace. */
    public Decisions.ObjectOptions objects(IpcGraph g) {
        Decisions d = Decisions.NONE.withTcpEstablished(tcpEstablished).withFileLocks(fileLocks);
        String net = netnsKey(g);
        if (net != null) d = d.withExternalKeys(net);
        return d.objects();
    }

    /** {@code net[INO]:extRootNetNS} when the init has a network namespace of its own (not the monitor's), else null. */
    public String netnsKey(IpcGraph g) {
        ProcessInfo init = g.process(container.initPid());
        ProcessInfo mon = g.process(container.monitorPid());
        if (init == null || mon == null) return null;
        long in = init.namespaces().net(), out = mon.namespaces().net();
        return in != 0 && out != 0 && in != out ? "net[" + in + "]:" + NETNS_KEY : null;
    }

    /** Keys of the crossings whose other end is the monitor: the container's standard streams. */
    public Set<String> monitorEnds(IpcGraph g, DumpPlan plan) {
        Set<String> out = new LinkedHashSet<>();
        for (Crossing c : plan.crossings()) {
            if (c.key() == null || !(c.key().startsWith("pipe:") || c.key().startsWith("socket:"))) continue;
            for (Holder h : c.outsideHolders()) if (h.pid() == container.monitorPid()) out.add(c.key());
        }
        return out;
    }

    /** Every option CRIU gets from podman and runc that is not a choice of the user, with who passes it. */
    public List<Assumed> assumed(IpcGraph g) {
        List<Assumed> a = new ArrayList<>();
        a.add(new Assumed("-t " + container.initPid(), "runc dumps the container's init (its pid 1 inside) and everything below it"));
        a.add(new Assumed("--root ROOTFS", "runc: the container's root file system"));
        a.add(new Assumed("--manage-cgroups", "runc always; the mode is CRIU's default (soft): podman passes no --manage-cgroups-mode"));
        a.add(new Assumed("--freeze-cgroup", "runc freezes the container's cgroup instead of stopping each task"));
        a.add(new Assumed("--external mnt[DEST]:DEST", "runc, for every bind mount of the container's OCI spec (podman's /etc/hosts,"
                + " /etc/resolv.conf, /etc/hostname, /run/.containerenv, volumes), cgroup v1 mounts, masked files and device nodes"));
        String net = netnsKey(g);
        a.add(net != null ? new Assumed("--external " + net, "runc: the network namespace podman made stays, the restore joins it")
                : new Assumed("(no --external net)", "the container shares the monitor's network namespace"));
        a.add(new Assumed("--orphan-pts-master, notify scripts", "runc always"));
        a.add(new Assumed("--inherit-fd at restore for the standard streams", "runc records the pipes to conmon (descriptors.json)"
                + " and hands new ones to the restore"));
        a.add(new Assumed("no --ext-unix-sk, no --shell-job", "podman passes neither: a unix socket to a peer outside the container fails the dump"));
        if (!tcpEstablished) a.add(new Assumed("no --tcp-established", "only on request (podman --tcp-established): an established TCP connection fails the dump"));
        return a;
    }

    /** {@code podman container checkpoint --export ARCHIVE [--leave-running] [--tcp-established] [--file-locks] NAME}. */
    public List<String> podmanCommand(Path archive) {
        List<String> c = new ArrayList<>(List.of("podman", "container", "checkpoint", "--export", archive.toString()));
        if (leaveRunning) c.add("--leave-running");
        if (tcpEstablished) c.add("--tcp-established");
        if (fileLocks) c.add("--file-locks");
        c.add(container.name());
        return c;
    }

    /** {@code podman container restore --import ARCHIVE [--name NAME] [--tcp-established] [--file-locks]}. */
    public static List<String> podmanRestoreCommand(Path archive, String name, boolean tcpEstablished, boolean fileLocks) {
        List<String> c = new ArrayList<>(List.of("podman", "container", "restore", "--import", archive.toString()));
        if (name != null && !name.isBlank()) c.addAll(List.of("--name", name));
        if (tcpEstablished) c.add("--tcp-established");
        if (fileLocks) c.add("--file-locks");
        return c;
    }

    /** The command as one line a shell reads back (arguments with spaces or quotes are quoted). */
    public static String shellLine(List<String> cmd) {
        StringBuilder b = new StringBuilder();
        for (String s : cmd) {
            if (b.length() > 0) b.append(' ');
            b.append(s.matches("[A-Za-z0-9_./:=+@%,-]+") ? s : "'" + s.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }
}
