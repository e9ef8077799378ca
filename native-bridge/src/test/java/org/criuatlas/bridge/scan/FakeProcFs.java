package org.criuatlas.bridge.scan;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scripted /proc: processes with stat/status text, namespace links, fd links, fdinfo, maps and
 * mountinfo, and errnos where asked. Every namespace link defaults to inode 1 (the scanner's own in
 * {@link FakeKernel#OWN}).
 */
final class FakeProcFs implements ProcFs {
    static final class Proc {
        final int pid;
        String stat, status, cwd = "/", maps = "", mountinfo = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n";
        final Map<String, String> ns = new LinkedHashMap<>();
        final Map<Integer, String> fds = new LinkedHashMap<>();
        final Map<Integer, Integer> fdErrno = new LinkedHashMap<>();
        final Map<Integer, String> fdinfo = new LinkedHashMap<>();
        final Map<Integer, FileStat> fdStat = new LinkedHashMap<>();
        final Map<Integer, String> socketProtocol = new LinkedHashMap<>();
        Integer openErrno, fdsErrno, nsErrno;

        Proc(int pid, int ppid, int uid) {
            this.pid = pid;
            stat = pid + " (p" + pid + ") S " + ppid + " " + pid + " " + pid + " 0 -1 0 0 0";
            status = "Name:\tp\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n";
        }

        Proc fd(int n, String link) { fds.put(n, link); return this; }

        /** Puts this process in the namespace {@code kind:[ino]} ("net", "ipc", ...). */
        Proc inNs(String kind, long ino) { ns.put(kind, kind + ":[" + ino + "]"); return this; }
    }

    final Map<Integer, Proc> procs = new LinkedHashMap<>();
    final Map<String, String> procFiles = new LinkedHashMap<>();

    Proc add(int pid, int ppid, int uid) {
        Proc p = new Proc(pid, ppid, uid);
        procs.put(pid, p);
        return p;
    }

    @Override
    public int[] pids() { return procs.keySet().stream().mapToInt(Integer::intValue).toArray(); }

    @Override
    public byte[] readProc(String name) throws ProcError {
        String s = procFiles.get(name);
        if (s == null) throw new ProcError("openat(/proc/" + name + ")", ProcSyscalls.ENOENT);
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Dir open(int pid) throws ProcError {
        Proc p = procs.get(pid);
        if (p == null) throw new ProcError("openat", ProcSyscalls.ENOENT);
        if (p.openErrno != null) throw new ProcError("openat", p.openErrno);
        return new Dir() {
            @Override
            public byte[] read(String name) throws ProcError {
                return switch (name) {
                    case "stat" -> p.stat.getBytes(StandardCharsets.UTF_8);
                    case "status" -> p.status.getBytes(StandardCharsets.UTF_8);
                    case "cmdline" -> ("p" + pid + "\0").getBytes(StandardCharsets.UTF_8);
                    case "maps" -> p.maps.getBytes(StandardCharsets.UTF_8);
                    case "mountinfo" -> p.mountinfo.getBytes(StandardCharsets.UTF_8);
                    default -> throw new ProcError("openat(" + name + ")", ProcSyscalls.ENOENT);
                };
            }

            @Override
            public String readlink(String name) throws ProcError {
                if (name.equals("cwd")) return p.cwd;
                if (p.nsErrno != null) throw new ProcError("readlinkat(" + name + ")", p.nsErrno);
                String kind = name.substring(name.indexOf('/') + 1);
                return p.ns.getOrDefault(kind, kind + ":[1]");
            }

            @Override
            public int[] fds() throws ProcError {
                if (p.fdsErrno != null) throw new ProcError("openat(fd)", p.fdsErrno);
                return p.fds.keySet().stream().mapToInt(Integer::intValue).toArray();
            }

            @Override
            public String fdLink(int fd) throws ProcError {
                Integer e = p.fdErrno.get(fd);
                if (e != null) throw new ProcError("readlinkat", e);
                return p.fds.get(fd);
            }

            @Override
            public FileStat fdStat(int fd) { return p.fdStat.getOrDefault(fd, new FileStat(0100644, 1, 8, 1, 1)); }

            @Override
            public byte[] fdinfo(int fd) throws ProcError {
                String s = p.fdinfo.get(fd);
                if (s == null) throw new ProcError("openat(fdinfo)", ProcSyscalls.ENOENT);
                return s.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String socketProtocol(int fd) throws ProcError {
                String s = p.socketProtocol.get(fd);
                if (s == null) throw new ProcError("getxattr", ProcSyscalls.ENOENT);
                return s;
            }

            @Override
            public void close() { }
        };
    }

    @Override
    public void close() { }
}
