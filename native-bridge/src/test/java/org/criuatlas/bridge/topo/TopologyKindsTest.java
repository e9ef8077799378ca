package org.criuatlas.bridge.topo;

import org.criuatlas.bridge.topo.TopologySpec.Deleted;
import org.criuatlas.bridge.topo.TopologySpec.FdKind;
import org.criuatlas.bridge.topo.TopologySpec.FileOn;
import org.criuatlas.bridge.topo.TopologySpec.LockType;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kinds beyond unix sockets and pipes (resources/topology/README.md, "Other kinds"): one
 * topology with all of them, each checked against what the kernel shows through other tools
 * (ss, /proc/locks, /proc/sysvipc, /proc/PID/{fd,fdinfo,status,ns,mountinfo,task}, /proc/net,
 * nsenter), never against the manifest alone. Needs root (namespaces, fanotify, bpf, perf, packet).
 */
class TopologyKindsTest {
    static Topology t;

    /** Every kind of kinds.c across a small tree; "outside" plays the world outside a dump. */
    static TopologySpec spec() {
        return new TopologySpec()
                .process("srv").process("w", "srv").process("cli")
                .tcpListen("L", "srv", "127.0.0.1:0")
                .tcpConnect("C", "cli", "L")
                .tcpConnectHalfClosed("C2", "w", "L", "client")
                .tcpListen("L6", "srv", "[::1]:0")
                .tcpConnect("C6", "cli", "L6")
                .udp("U1", "srv", "127.0.0.1:0")
                .udpConnected("U2", "cli", "127.0.0.1:0", "U1")
                .udp("U6", "cli", "[::1]:0")
                .raw("R", "cli", false)
                .packet("P", "cli", false)
                .netlink("N", "cli")
                .file("F", "srv")
                .file("G", "srv", FileOn.TMP, Deleted.GHOST, 0)
                .file("H", "srv", FileOn.TMP, Deleted.LINKED, 2 << 20)
                .file("S", "srv", FileOn.SHM, Deleted.NO, 0)
                .memfd("M", "srv", 8192)
                .fd(FdKind.EVENTFD, "E", "srv")
                .fd(FdKind.TIMERFD, "T", "srv")
                .fd(FdKind.SIGNALFD, "SG", "srv")
                .fd(FdKind.INOTIFY, "I", "srv")
                .fd(FdKind.FANOTIFY, "FA", "srv")
                .epoll("EP", "srv", "E", "T")
                .fd(FdKind.IO_URING, "IO", "srv")
                .fd(FdKind.USERFAULTFD, "UF", "srv")
                .pidfd("PD", "srv", "cli")
                .fd(FdKind.BPF_MAP, "B", "srv")
                .fd(FdKind.PERF, "PE", "srv")
                .lock("LK1", "srv", "F", LockType.POSIX, true, 0, 10)
                .lock("LK2", "srv", "G", LockType.FLOCK, false, 0, 0)
                .lock("LK3", "srv", "H", LockType.OFD, true, 100, 0)
                .shm("SH", "srv", 0)
                .sem("SE", "srv", true)
                .msgq("MQ", "srv")
                // namespaces and process states
                .process("nsp", "cli", ProcOption.NETNS, ProcOption.IPCNS, ProcOption.UTSNS)
                .tcpListen("NL", "nsp", "127.0.0.1:0")
                .tcpConnect("NC", "nsp", "NL")
                .shm("NS", "nsp", 4096)
                .process("mnp", "cli", ProcOption.TMPFS)
                .file("MF", "mnp", FileOn.MNT, Deleted.NO, 0)
                .process("pidp", "cli", ProcOption.PIDNS).process("pkid", "pidp")
                .process("st", "cli", ProcOption.STOPPED)
                .process("tr", "cli", ProcOption.TRACED)
                .process("zb", "cli", ProcOption.ZOMBIE)
                .process("th", "cli").threads("th", 20)
                .process("sc", "cli", ProcOption.SECCOMP)
                .process("cw", "cli", ProcOption.DELETED_CWD)
                // a controlling pty whose master is outside, and /dev/tty held open
                .process("term").process("shell")
                .pty("PT", "term", "shell")
                .fd(FdKind.DEVTTY, "DT", "shell");
    }

    @BeforeAll
    static void start() {
        Requirements.requireRoot();
        t = Topology.start(spec());
    }

    @AfterAll
    static void stop() {
        if (t != null) t.close();
    }

    @Test
    void everyProcessHoldsExactlyItsEndsAndNothingElse() throws Exception {
        TopologyTest.assertExactFds(t);
        assertEquals(Map.of(), ProcView.fds(t.pid("zb")), "a zombie holds nothing");
        // the director kept nothing of what it made (sockets, namespaces it entered)
        assertEquals(java.util.Set.of(0, 1, 2), ProcView.fds(t.directorPid()).keySet());
    }

    @Test
    void tcpSocketsAsSsSeesThem() throws Exception {
        List<String[]> rows = rows(run("ss", "-tanHpe"));
        assertSs(rows, "LISTEN", t.end("L", "srv"), "srv");
        assertSs(rows, "ESTAB", t.end("C", "cli"), "cli");
        assertSs(rows, "ESTAB", t.end("C", "accepted", "srv"), "srv");
        assertSs(rows, "FIN-WAIT-2", t.end("C2", "w"), "w");
        assertSs(rows, "CLOSE-WAIT", t.end("C2", "accepted", "srv"), "srv");
        assertSs(rows, "LISTEN", t.end("L6", "srv"), "srv");
        assertSs(rows, "ESTAB", t.end("C6", "cli"), "cli");
        // the client's remote is the listener's address, as the manifest says on both sides
        assertEquals(t.object("L").attr("local"), t.end("C", "cli").attr("remote"));
        assertEquals(t.end("C", "cli").attr("local"), t.end("C", "accepted", "srv").attr("remote"));
        // sockets of the net namespace are not in the host's table but in its own
        String host = run("ss", "-tanHe");
        assertFalse(host.contains("ino:" + t.end("NL", "nsp").inode() + " "), host);
        List<String[]> inside = rows(run("nsenter", "-t", Integer.toString(t.pid("nsp")), "-n", "ss", "-tanHe"));
        assertSs(inside, "LISTEN", t.end("NL", "nsp"), null);
        assertSs(inside, "ESTAB", t.end("NC", "client", "nsp"), null);
    }

    @Test
    void udpRawPacketAndNetlinkSockets() throws Exception {
        List<String[]> udp = rows(run("ss", "-uanHpe"));
        assertSs(udp, "UNCONN", t.end("U1", "srv"), "srv");
        assertSs(udp, "ESTAB", t.end("U2", "cli"), "cli");
        assertSs(udp, "UNCONN", t.end("U6", "cli"), "cli");
        assertEquals(t.end("U1", "srv").attr("local"), t.end("U2", "cli").attr("remote"));
        assertTrue(procNetHasInode("/proc/net/raw", t.end("R", "cli").inode()), "raw socket in /proc/net/raw");
        assertTrue(procNetHasInode("/proc/net/packet", t.end("P", "cli").inode()), "packet socket in /proc/net/packet");
        // /proc/net/netlink: sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
        boolean found = false;
        for (String line : Files.readAllLines(Path.of("/proc/net/netlink"))) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 10 && w[9].equals(Long.toString(t.end("N", "cli").inode()))) {
                found = true;
                assertEquals("0", w[1], "NETLINK_ROUTE");
                assertEquals(t.end("N", "cli").attr("portid"), w[2], "port id");
            }
        }
        assertTrue(found, "netlink socket in /proc/net/netlink");
    }

    @Test
    void locksAsProcLocksShowsThem() throws Exception {
        List<String> locks = Files.readAllLines(Path.of("/proc/locks"));
        int srv = t.pid("srv");
        assertLock(locks, "POSIX  ADVISORY  WRITE " + srv, "F", "0 9");
        assertLock(locks, "FLOCK  ADVISORY  READ " + srv, "G", "0 EOF");
        assertLock(locks, "OFDLCK ADVISORY  WRITE -1", "H", "100 EOF");
    }

    @Test
    void sysvObjectsAsProcSysvipcShowsThem() throws Exception {
        // shm: key shmid perms size cpid lpid nattch ...
        String[] shm = sysv("/proc/sysvipc/shm", t.object("SH").attr("id"));
        assertEquals("65536", shm[3]);
        assertEquals(Integer.toString(t.pid("srv")), shm[4], "made by srv");
        assertEquals("1", shm[6], "attached once");
        assertTrue(Files.readString(Path.of("/proc/" + t.pid("srv") + "/maps")).contains("/SYSV00000000 (deleted)"),
                "srv maps the segment");
        assertEquals("1", t.object("SH").attr("removed"), "host segment marked for removal");
        // sem: key semid perms nsems ...
        assertEquals("1", sysv("/proc/sysvipc/sem", t.object("SE").attr("id"))[3]);
        // msg: key msqid perms cbytes qnum lspid ...
        String[] msg = sysv("/proc/sysvipc/msg", t.object("MQ").attr("id"));
        assertEquals("1", msg[4], "one message queued");
        assertEquals(Integer.toString(t.pid("srv")), msg[5], "sent by srv");
        // the segment of the private IPC namespace lives there, not here
        String inside = run("nsenter", "-t", Integer.toString(t.pid("nsp")), "-i", "cat", "/proc/sysvipc/shm");
        assertTrue(inside.lines().anyMatch(l -> l.trim().split("\\s+")[0].equals("0") && l.contains(" 4096 ")), inside);
        assertEquals(Long.toString(t.process("nsp").namespace("ipc")), t.object("NS").attr("ipcns"));
    }

    @Test
    void anonInodesAsFdinfoShowsThem() throws Exception {
        assertTrue(fdinfo("srv", "E").matches("(?s).*eventfd-count:\\s+7\\n.*"), fdinfo("srv", "E"));
        assertTrue(fdinfo("srv", "T").contains("clockid: 1"), fdinfo("srv", "T"));
        assertTrue(fdinfo("srv", "SG").contains("sigmask:\t0000000000000800"), fdinfo("srv", "SG")); // SIGUSR2
        assertTrue(fdinfo("srv", "I").contains("inotify wd:1"), fdinfo("srv", "I"));
        assertTrue(fdinfo("srv", "FA").contains("fanotify ino:"), fdinfo("srv", "FA"));
        String ep = fdinfo("srv", "EP");
        assertTrue(ep.contains("tfd: " + pad(t.end("E", "srv").fd())) && ep.contains("tfd: " + pad(t.end("T", "srv").fd())), ep);
        assertTrue(fdinfo("srv", "PD").contains("Pid:\t" + t.pid("cli")), fdinfo("srv", "PD"));
        assertTrue(fdinfo("srv", "B").contains("map_type:\t2"), fdinfo("srv", "B")); // BPF_MAP_TYPE_ARRAY
        assertTrue(fdinfo("srv", "IO").contains("SqMask:"), fdinfo("srv", "IO"));
        assertEquals(8192, Files.size(Path.of("/proc/" + t.pid("srv") + "/fd/" + t.end("M", "srv").fd())));
    }

    @Test
    void filesAreWhereTheSpecPutThem() throws Exception {
        Path f = Path.of(t.object("F").address().value());
        assertTrue(Files.isRegularFile(f) && f.startsWith(t.directory()), f.toString());
        assertFalse(Files.exists(Path.of(t.object("G").address().value())), "G was unlinked");
        Path h = Path.of(t.object("H").address().value());
        assertFalse(Files.exists(h));
        assertTrue(Files.exists(Path.of(h + ".link")), "H keeps a second name");
        assertEquals(2 << 20, Files.size(Path.of(h + ".link")));
        assertTrue(t.object("S").address().value().startsWith("/dev/shm/"));
        // the file on the private tmpfs: its device is that mount's, seen in the holder's mountinfo
        String mountinfo = Files.readString(Path.of("/proc/" + t.pid("mnp") + "/mountinfo"));
        String mnt = t.process("mnp").attr("tmpfs");
        String dev = t.end("MF", "mnp").attr("dev");
        assertTrue(mountinfo.lines().anyMatch(l -> l.contains(" " + mnt + " ") && l.contains(" tmpfs ")
                && l.split(" ")[2].equals(Integer.parseInt(dev.split(":")[0], 16) + ":" + Integer.parseInt(dev.split(":")[1], 16))),
                mountinfo);
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mnt + " "), "not mounted here");
    }

    @Test
    void namespacesAsProcShowsThem() throws Exception {
        for (Topology.Proc p : t.manifest().processes().values()) {
            if (p.name().equals("zb")) continue;
            for (String ns : List.of("net", "ipc", "mnt", "pid", "uts", "user"))
                assertEquals(nsInode(p.pid(), ns), p.namespace(ns), ns + " namespace of " + p.name());
        }
        assertNotEquals(t.process("cli").namespace("net"), t.process("nsp").namespace("net"));
        assertNotEquals(t.process("cli").namespace("ipc"), t.process("nsp").namespace("ipc"));
        assertNotEquals(t.process("cli").namespace("mnt"), t.process("mnp").namespace("mnt"));
        assertEquals(t.process("cli").namespace("pid"), t.process("pidp").namespace("pid"), "pidns: the children move, not the parent");
        assertNotEquals(t.process("pidp").namespace("pid"), t.process("pkid").namespace("pid"));
        assertTrue(status(t.pid("pkid"), "NSpid").matches(t.pid("pkid") + "\\s+1"), status(t.pid("pkid"), "NSpid"));
        assertEquals("nsp", run("nsenter", "-t", Integer.toString(t.pid("nsp")), "-u", "hostname").strip());
    }

    @Test
    void processStatesAsProcShowsThem() throws Exception {
        assertTrue(status(t.pid("st"), "State").startsWith("T"), status(t.pid("st"), "State"));
        assertEquals(Integer.toString(t.pid("cli")), status(t.pid("tr"), "TracerPid"));
        assertTrue(status(t.pid("zb"), "State").startsWith("Z"));
        assertEquals("20", status(t.pid("th"), "Threads"));
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + t.pid("th") + "/task"))) {
            assertEquals(20, tasks.count());
        }
        assertEquals("2", status(t.pid("sc"), "Seccomp"));
        assertEquals(t.process("cw").attr("cwd") + " (deleted)", Files.readSymbolicLink(Path.of("/proc/" + t.pid("cw") + "/cwd")).toString());
        assertTrue(status(t.pid("tr"), "State").startsWith("S"), "traced, but running: " + status(t.pid("tr"), "State"));
    }

    @Test
    void controllingTerminalAndDevTty() throws Exception {
        ProcView shell = ProcView.of(t.pid("shell"));
        assertEquals(shell.pid(), shell.sid(), "session leader");
        // field 7 of /proc/PID/stat: tty_nr of the pty slave
        String stat = Files.readString(Path.of("/proc/" + shell.pid() + "/stat"));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertNotEquals("0", rest[4], "has a controlling terminal");
        assertEquals("/dev/tty", ProcView.fds(shell.pid()).get(t.end("DT", "shell").fd()));
    }

    @Test
    void teardownLeavesNothing() throws Exception {
        Topology own = Topology.start(new TopologySpec().process("a", ProcOption.TMPFS)
                .file("f", "a", FileOn.SHM, Deleted.LINKED, 0).sem("s", "a", false).msgq("q", "a")
                .process("b", "a", ProcOption.DELETED_CWD));
        String shmPath = own.object("f").address().value();
        String sem = own.object("s").attr("id"), msg = own.object("q").attr("id");
        Path mnt = Path.of(own.process("a").attr("tmpfs"));
        assertTrue(Files.isDirectory(mnt));
        own.close();
        assertFalse(Files.exists(Path.of(shmPath + ".link")), "second name removed");
        assertFalse(Files.exists(mnt), "mount point removed");
        assertTrue(sysvRow("/proc/sysvipc/sem", sem) == null, "semaphore set removed");
        assertTrue(sysvRow("/proc/sysvipc/msg", msg) == null, "message queue removed");
    }

    // ---- helpers ----

    private static String pad(int fd) {
        return String.format("%8d", fd);
    }

    private static String fdinfo(String proc, String object) throws IOException {
        return Files.readString(Path.of("/proc/" + t.pid(proc) + "/fdinfo/" + t.end(object, proc).fd()));
    }

    private static String status(int pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            if (l.startsWith(field + ":")) return l.substring(field.length() + 1).strip();
        return "";
    }

    private static long nsInode(int pid, String ns) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + ns)).toString();
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    }

    private static boolean procNetHasInode(String file, long inode) throws IOException {
        return Files.readAllLines(Path.of(file)).stream()
                .anyMatch(l -> List.of(l.trim().split("\\s+")).contains(Long.toString(inode)));
    }

    private static String[] sysv(String file, String id) throws IOException {
        String[] row = sysvRow(file, id);
        assertTrue(row != null, "id " + id + " in " + file);
        return row;
    }

    private static String[] sysvRow(String file, String id) throws IOException {
        for (String l : Files.readAllLines(Path.of(file))) {
            String[] w = l.trim().split("\\s+");
            if (w.length > 1 && w[1].equals(id)) return w;
        }
        return null;
    }

    private static void assertLock(List<String> locks, String prefix, String file, String range) {
        String dev = t.object("LK1").attr("dev"); // same file system for F, G and H
        String ino = t.end(file, "srv").inode() + "";
        assertTrue(locks.stream().anyMatch(l -> l.replaceFirst("^\\d+: ", "").startsWith(prefix + " ")
                        && l.contains(" " + dev + ":" + ino + " ") && l.endsWith(" " + range)),
                prefix + " on " + file + " (" + dev + ":" + ino + ", " + range + ") in " + locks);
    }

    /** ss -H -e rows as words; the inode is the word "ino:N". */
    private static List<String[]> rows(String out) {
        List<String[]> rows = new ArrayList<>();
        for (String l : out.split("\n")) if (!l.isBlank()) rows.add(l.trim().split("\\s+"));
        return rows;
    }

    private static void assertSs(List<String[]> rows, String state, Topology.End e, String holder) {
        for (String[] w : rows) {
            if (!List.of(w).contains("ino:" + e.inode())) continue;
            assertEquals(state, w[0], "state of " + e);
            assertEquals(e.attr("local"), w[3], "local address of " + e);
            if (holder != null)
                assertTrue(String.join(" ", w).contains("((\"" + holder + "\",pid=" + e.pid() + ",fd=" + e.fd() + "))"),
                        "holder of " + e + ": " + String.join(" ", w));
            return;
        }
        throw new AssertionError("ss does not list " + e);
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }
}
