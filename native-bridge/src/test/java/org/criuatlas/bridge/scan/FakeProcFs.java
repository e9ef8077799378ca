package org.criuatlas.bridge.scan;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A scripted /proc: processes with stat/status text and fd links, and errnos where asked. */
final class FakeProcFs implements ProcFs {
    static final class Proc {
        final int pid;
        String stat, status, netns = "net:[1]";
        final Map<Integer, String> fds = new LinkedHashMap<>();
        final Map<Integer, Integer> fdErrno = new LinkedHashMap<>();
        final Map<Integer, String> fdinfo = new LinkedHashMap<>();
        Integer openErrno, fdsErrno;

        Proc(int pid, int ppid, int uid) {
            this.pid = pid;
            stat = pid + " (p" + pid + ") S " + ppid + " " + pid + " " + pid + " 0 -1 0 0 0";
            status = "Name:\tp\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n";
        }

        Proc fd(int n, String link) { fds.put(n, link); return this; }
    }

    final Map<Integer, Proc> procs = new LinkedHashMap<>();

    Proc add(int pid, int ppid, int uid) {
        Proc p = new Proc(pid, ppid, uid);
        procs.put(pid, p);
        return p;
    }

    @Override
    public int[] pids() { return procs.keySet().stream().mapToInt(Integer::intValue).toArray(); }

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
                    default -> throw new ProcError("openat(" + name + ")", ProcSyscalls.ENOENT);
                };
            }

            @Override
            public String readlink(String name) { return p.netns; }

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
            public long[] fdStat(int fd) { return new long[] {0100644, 1}; }

            @Override
            public byte[] fdinfo(int fd) throws ProcError {
                String s = p.fdinfo.get(fd);
                if (s == null) throw new ProcError("openat(fdinfo)", ProcSyscalls.ENOENT);
                return s.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public void close() { }
        };
    }

    @Override
    public void close() { }
}
