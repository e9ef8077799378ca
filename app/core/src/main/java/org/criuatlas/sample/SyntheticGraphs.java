package org.criuatlas.sample;

import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKeys;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Made-up snapshots for benchmarks and screenshots: a large random forest with thousands of
 * sockets, and a workstation-like tree of a few hundred processes. Real processes are used by
 * the tests; these only give the renderer something of a known size.
 */
public final class SyntheticGraphs {
    private SyntheticGraphs() {}

    /** Builds a snapshot process by process, socket by socket. */
    public static final class Builder {
        private final Map<Integer, Proc> procs = new LinkedHashMap<>();
        private final List<UnixSocket> sockets = new ArrayList<>();
        private final List<Pipe> pipes = new ArrayList<>();
        private long nextIno = 100_000;
        private final boolean privileged;

        private static final class Proc {
            final int pid, ppid, uid, sid;
            final String comm;
            final List<String> cmd;
            final List<FdInfo> fds = new ArrayList<>();
            long tty;

            Proc(int pid, int ppid, String comm, List<String> cmd, int uid, int sid) {
                this.pid = pid;
                this.ppid = ppid;
                this.comm = comm;
                this.cmd = cmd;
                this.uid = uid;
                this.sid = sid;
            }

            int nextFd() { return 3 + fds.size(); }
        }

        public Builder(boolean privileged) {
            this.privileged = privileged;
        }

        public Builder process(int pid, int ppid, String comm, String... argv) {
            // kernel threads have no command line
            List<String> cmd = argv.length > 0 ? List.of(argv) : (ppid == 2 || pid == 2) ? List.of() : List.of(comm);
            procs.put(pid, new Proc(pid, ppid, comm, cmd, 1000, pid));
            return this;
        }

        public Builder tty(int pid, long ttyNr, int sid) {
            Proc p = procs.get(pid);
            Proc q = new Proc(p.pid, p.ppid, p.comm, p.cmd, p.uid, sid);
            q.fds.addAll(p.fds);
            q.tty = ttyNr;
            procs.put(pid, q);
            return this;
        }

        /** A connected pair (socketpair or accepted connection); {@code name} names b's end (the server), null for none. Returns [inoA, inoB]. */
        public long[] pair(int pidA, int pidB, SocketType type, String name) {
            long a = nextIno++, b = nextIno++;
            Proc pa = procs.get(pidA), pb = procs.get(pidB);
            int fa = pa.nextFd(), fb = pb.nextFd();
            pa.fds.add(new FdInfo(fa, FdKind.SOCKET, ObjectKeys.socket(a), a, AccessMode.READ_WRITE, 2));
            pb.fds.add(new FdInfo(fb, FdKind.SOCKET, ObjectKeys.socket(b), b, AccessMode.READ_WRITE, 2));
            SocketName nm = name == null ? SocketName.NONE : SocketName.path(name);
            sockets.add(new UnixSocket(a, type, SocketState.ESTABLISHED, SocketName.NONE, b, 0, 0, List.of(),
                    List.of(new Holder(pidA, fa)), false));
            sockets.add(new UnixSocket(b, type, SocketState.ESTABLISHED, nm, a, 0, 0, List.of(),
                    List.of(new Holder(pidB, fb)), false));
            return new long[]{a, b};
        }

        /** A dgram client connected to a named server socket held by {@code serverPid}. */
        public long dgramTo(int clientPid, long serverIno) {
            long a = nextIno++;
            Proc pa = procs.get(clientPid);
            int fa = pa.nextFd();
            pa.fds.add(new FdInfo(fa, FdKind.SOCKET, ObjectKeys.socket(a), a, AccessMode.READ_WRITE, 2));
            sockets.add(new UnixSocket(a, SocketType.DGRAM, SocketState.ESTABLISHED, SocketName.NONE, serverIno, 0, 0,
                    List.of(), List.of(new Holder(clientPid, fa)), false));
            return a;
        }

        /** A bound socket (listener or dgram server) held by {@code pid}. */
        public long bound(int pid, SocketType type, String path) {
            long a = nextIno++;
            Proc p = procs.get(pid);
            int fa = p.nextFd();
            p.fds.add(new FdInfo(fa, FdKind.SOCKET, ObjectKeys.socket(a), a, AccessMode.READ_WRITE, 2));
            sockets.add(new UnixSocket(a, type, type == SocketType.DGRAM ? SocketState.UNCONNECTED : SocketState.LISTEN,
                    SocketName.path(path), 0, 0, 128, List.of(), List.of(new Holder(pid, fa)), false));
            return a;
        }

        /** A socket held by {@code pid} whose peer no visible process holds (another user's, another namespace). */
        public long danglingTo(int pid, SocketType type) {
            long a = nextIno++, b = nextIno++;
            Proc p = procs.get(pid);
            int fa = p.nextFd();
            p.fds.add(new FdInfo(fa, FdKind.SOCKET, ObjectKeys.socket(a), a, AccessMode.READ_WRITE, 2));
            sockets.add(new UnixSocket(a, type, SocketState.ESTABLISHED, SocketName.NONE, b, 0, 0, List.of(),
                    List.of(new Holder(pid, fa)), false));
            sockets.add(new UnixSocket(b, type, SocketState.ESTABLISHED, SocketName.NONE, a, 0, 0, List.of(), List.of(), false));
            return a;
        }

        /** A pipe from writer to reader. */
        public long pipe(int writer, int reader) {
            long ino = nextIno++;
            Proc w = procs.get(writer), r = procs.get(reader);
            int fw = w.nextFd();
            w.fds.add(new FdInfo(fw, FdKind.PIPE, ObjectKeys.pipe(ino), ino, AccessMode.WRITE, 1));
            int fr = r.nextFd();
            r.fds.add(new FdInfo(fr, FdKind.PIPE, ObjectKeys.pipe(ino), ino, AccessMode.READ, 0));
            pipes.add(new Pipe(ino, null, List.of(new Holder(reader, fr)), List.of(new Holder(writer, fw)), -1));
            return ino;
        }

        public boolean has(int pid) { return procs.containsKey(pid); }

        public IpcGraph build() {
            List<ProcessInfo> ps = new ArrayList<>();
            for (Proc p : procs.values()) {
                ps.add(new ProcessInfo(p.pid, p.ppid, p.comm, p.cmd, p.uid, 'S', p.pid, p.sid, p.tty, 4026531840L,
                        p.fds, true));
            }
            return IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.LIVE, "synthetic", Instant.now(), privileged, 1_000_000),
                    ps, sockets, pipes, List.of());
        }
    }

    /**
     * A random forest of {@code nodes} processes with about {@code edges} edges in all: the
     * parent/child edges plus socket pairs, dgram clients and pipes between random processes.
     */
    public static IpcGraph large(int nodes, int edges, long seed) {
        return large(nodes, edges, seed, 0);
    }

    /** As {@link #large(int, int, long)}, with the first {@code outside} socket pairs' peers held by no visible process. */
    public static IpcGraph large(int nodes, int edges, long seed, int outside) {
        Random r = new Random(seed);
        Builder b = new Builder(true);
        b.process(1, 0, "init", "/sbin/init");
        for (int pid = 2; pid <= nodes; pid++) {
            // mostly near-recent parents: deep-ish trees with bushy spots, like real systems
            int parent = r.nextInt(4) == 0 ? 1 + r.nextInt(pid - 1) : Math.max(1, pid - 1 - r.nextInt(Math.min(pid - 1, 40)));
            b.process(pid, parent, "proc" + pid, "/usr/bin/worker", "--id", Integer.toString(pid));
        }
        int socketEdges = Math.max(0, edges - (nodes - 1));
        SocketType[] types = {SocketType.STREAM, SocketType.DGRAM, SocketType.SEQPACKET};
        for (int i = 0; i < socketEdges; i++) {
            int a = 1 + r.nextInt(nodes);
            // peers are mostly nearby in the tree, sometimes anywhere
            int bpid = r.nextInt(3) == 0 ? 1 + r.nextInt(nodes) : Math.max(1, Math.min(nodes, a + r.nextInt(60) - 30));
            if (a == bpid) bpid = a == nodes ? 1 : a + 1;
            if (i % 5 == 4) b.pipe(a, bpid);
            else if (outside-- > 0) b.danglingTo(a, types[i % 3]);
            else b.pair(a, bpid, types[i % 3], i % 11 == 0 ? "/run/svc/" + (i % 97) + ".sock" : null);
        }
        return b.build();
    }

    /** A desktop workstation of about {@code target} processes: init, services, a session with apps and terminals. */
    public static IpcGraph workstation(int target, long seed) {
        Random r = new Random(seed);
        Builder b = new Builder(true);
        b.process(1, 0, "systemd", "/sbin/init", "splash");
        b.process(2, 0, "kthreadd");
        for (int k = 3; k < 40; k++) b.process(k, 2, "kworker/" + k);
        long dbusSys = 0;
        long journal;
        b.process(300, 1, "systemd-journal", "/lib/systemd/systemd-journald");
        journal = b.bound(300, SocketType.DGRAM, "/run/systemd/journal/dev-log");
        b.process(310, 1, "dbus-daemon", "/usr/bin/dbus-daemon", "--system", "--address=systemd:");
        dbusSys = b.bound(310, SocketType.STREAM, "/run/dbus/system_bus_socket");
        String[] services = {"systemd-udevd", "systemd-logind", "NetworkManager", "polkitd", "accounts-daemon",
                "cupsd", "avahi-daemon", "bluetoothd", "cron", "rsyslogd", "sshd", "thermald", "upowerd", "udisksd",
                "ModemManager", "wpa_supplicant", "snapd", "containerd", "dockerd", "colord", "rtkit-daemon",
                "power-profiles", "switcheroo", "fwupd", "packagekitd", "gdm3"};
        int pid = 400;
        List<Integer> svc = new ArrayList<>();
        for (String s : services) {
            b.process(pid, 1, s, "/usr/sbin/" + s);
            svc.add(pid);
            b.pair(pid, 310, SocketType.STREAM, "/run/dbus/system_bus_socket");
            if (r.nextBoolean()) b.dgramTo(pid, journal);
            pid += 7;
        }
        // docker with containers, avahi/cron children
        int dockerd = svc.get(services.length - 8);
        for (int c = 0; c < 6; c++) {
            int shim = pid++;
            b.process(shim, 1, "containerd-shim", "/usr/bin/containerd-shim-runc-v2", "-id", "c" + c);
            int app = pid++;
            b.process(app, shim, c % 2 == 0 ? "nginx" : "postgres", c % 2 == 0 ? "nginx: master" : "postgres");
            for (int w = 0; w < 3; w++) {
                int worker = pid++;
                b.process(worker, app, c % 2 == 0 ? "nginx" : "postgres", c % 2 == 0 ? "nginx: worker" : "postgres: writer");
                b.pipe(app, worker);
            }
            b.pair(shim, dockerd, SocketType.STREAM, "/run/containerd/containerd.sock");
        }
        // the desktop session
        int gdm = svc.get(services.length - 1);
        int session = pid++;
        b.process(session, gdm, "gdm-session-wor", "gdm-session-worker [pam/gdm-password]");
        int user = pid++;
        b.process(user, 1, "systemd", "/lib/systemd/systemd", "--user");
        int dbusUser = pid++;
        b.process(dbusUser, user, "dbus-daemon", "/usr/bin/dbus-daemon", "--session");
        long dbusSess = b.bound(dbusUser, SocketType.STREAM, "/run/user/1000/bus");
        int shell = pid++;
        b.process(shell, session, "gnome-shell", "/usr/bin/gnome-shell");
        b.pair(shell, dbusUser, SocketType.STREAM, "/run/user/1000/bus");
        int pw = pid++;
        b.process(pw, user, "pipewire", "/usr/bin/pipewire");
        int wp = pid++;
        b.process(wp, user, "wireplumber", "/usr/bin/wireplumber");
        b.pair(wp, pw, SocketType.STREAM, "/run/user/1000/pipewire-0");
        b.pair(shell, pw, SocketType.STREAM, "/run/user/1000/pipewire-0");
        String[] helpers = {"gsd-power", "gsd-media-keys", "gsd-color", "gsd-xsettings", "gsd-keyboard",
                "evolution-source", "tracker-miner-f", "gvfsd", "gvfs-udisks2-vo", "goa-daemon", "at-spi-bus-laun",
                "xdg-desktop-por", "xdg-document-po", "ibus-daemon", "gnome-keyring-d"};
        for (String h : helpers) {
            int hp = pid++;
            b.process(hp, user, h, "/usr/libexec/" + h);
            b.pair(hp, dbusUser, SocketType.STREAM, "/run/user/1000/bus");
        }
        // firefox with content processes (seqpacket socketpairs to the parent)
        int ff = pid++;
        b.process(ff, user, "firefox", "/usr/lib/firefox/firefox");
        b.pair(ff, dbusUser, SocketType.STREAM, "/run/user/1000/bus");
        b.pair(ff, pw, SocketType.STREAM, "/run/user/1000/pipewire-0");
        for (int i = 0; i < 14; i++) {
            int c = pid++;
            b.process(c, ff, i == 0 ? "Socket Process" : i == 1 ? "RDD Process" : "Isolated Web Co",
                    "/usr/lib/firefox/firefox", "-contentproc", Integer.toString(i));
            b.pair(ff, c, SocketType.SEQPACKET, null);
        }
        // an editor with helpers
        int code = pid++;
        b.process(code, user, "code", "/usr/share/code/code");
        for (int i = 0; i < 10; i++) {
            int c = pid++;
            b.process(c, code, i < 3 ? "code" : "node", "/usr/share/code/code", "--type=" + (i < 3 ? "renderer" : "utility"));
            b.pair(code, c, SocketType.STREAM, null);
            if (i >= 3) b.pipe(c, code);
        }
        // terminals with shells, pipelines and builds
        int term = pid++;
        b.process(term, user, "gnome-terminal-", "/usr/libexec/gnome-terminal-server");
        b.pair(term, dbusUser, SocketType.STREAM, "/run/user/1000/bus");
        while (b.procs.size() < target + 38) {
            int bash = pid++;
            b.process(bash, term, "bash", "bash");
            b.tty(bash, 34816 + (bash % 16), bash);
            int kind = r.nextInt(4);
            if (kind == 0) {
                int a = pid++, c = pid++;
                b.process(a, bash, "journalctl", "journalctl", "-f");
                b.process(c, bash, "grep", "grep", "--color", "error");
                b.pipe(a, c);
            } else if (kind == 1) {
                int make = pid++;
                b.process(make, bash, "make", "make", "-j4");
                for (int j = 0; j < 4; j++) {
                    int cc = pid++;
                    b.process(cc, make, "cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "src" + j + ".c");
                    b.pipe(cc, make);
                }
            } else if (kind == 2) {
                int v = pid++;
                b.process(v, bash, "vim", "vim", "notes.md");
            } else {
                int py = pid++;
                b.process(py, bash, "python3", "python3", "server.py");
                long ls = b.bound(py, SocketType.STREAM, "/tmp/app-" + py + ".sock");
                int cl = pid++;
                b.process(cl, py, "python3", "python3", "worker.py");
                b.pair(cl, py, SocketType.STREAM, "/tmp/app-" + py + ".sock");
                b.pair(py, cl, SocketType.DGRAM, null);
            }
        }
        return b.build();
    }
}
