package org.criuatlas.ui.plan;

import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ObjectKeys;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in for the dump planner (org.criuatlas.plan) until it is merged: the rule table of
 * DESIGN.md, nothing more, so the window can be built and tested against real processes. It is
 * replaced by an adapter over the real planner; keep it small.
 */
public final class InterimDumpPlanner implements DumpPlanning {
    private final Path dumpsDir;

    /** @param dumpsDir where dump directories go; the command says {@code -D <dumpsDir>/<pid>} */
    public InterimDumpPlanner(Path dumpsDir) {
        this.dumpsDir = dumpsDir;
    }

    @Override
    public PlanOutcome plan(IpcGraph g, int rootPid, Map<String, List<Choice>> choices) {
        Set<Integer> inside = g.subtree(rootPid);
        Map<String, Crossing> out = new LinkedHashMap<>();
        boolean extUnixSk = false;
        boolean shellJob = false;
        List<String> external = new ArrayList<>();
        for (int pid : inside) {
            ProcessInfo p = g.process(pid);
            for (FdInfo fd : p.fds()) {
                if (fd.kind() == FdKind.SOCKET) {
                    UnixSocket s = g.socket(fd.inode());
                    if (s == null || s.peer() == 0 || out.containsKey(s.key())) continue;
                    Crossing c = socketCrossing(g, inside, s, pid, fd.fd(), choices.getOrDefault(s.key(), List.of()));
                    if (c == null) continue;
                    out.put(c.key(), c);
                    if (c.chosen().contains(Choice.EXTERNAL)) external.add(ObjectKeys.externalUnix(s.ino()));
                    if (c.chosen().contains(Choice.RECONNECT_BY_NAME)) extUnixSk = true;
                } else if (fd.kind() == FdKind.PIPE || fd.kind() == FdKind.FIFO) {
                    Pipe pp = g.pipe(fd.inode());
                    if (pp == null || out.containsKey(pp.key())) continue;
                    Crossing c = pipeCrossing(g, inside, pp, pid, fd, choices.getOrDefault(pp.key(), List.of()));
                    if (c != null) out.put(c.key(), c);
                }
            }
        }
        // a controlling terminal whose session leader is outside: "dangling tty" unless --shell-job
        ProcessInfo root = g.process(rootPid);
        if (root != null && root.ttyNr() > 0 && !inside.contains(root.sid())) {
            String key = "tty[" + root.ttyNr() + "]";
            List<Choice> chosen = choices.getOrDefault(key, List.of()).contains(Choice.SHELL_JOB)
                    ? List.of(Choice.SHELL_JOB) : List.of();
            shellJob = !chosen.isEmpty();
            ProcessInfo leader = g.process(root.sid());
            out.put(key, new Crossing(key, 0, rootPid, -1, null, leader == null ? -1 : leader.pid(),
                    "controlling terminal", leader == null ? "session " + root.sid() : who(leader),
                    shellJob ? Verdict.RESOLVED : Verdict.FAIL,
                    shellJob ? "Dumped as a shell job; restore with --shell-job too."
                            : "The terminal's session leader is outside the dump: CRIU fails with a dangling tty.",
                    List.of(Choice.SHELL_JOB, Choice.PULL_PEER), chosen));
        }
        Verdict overall = Verdict.RESOLVED;
        for (Crossing c : out.values()) overall = Verdict.worst(overall, c.verdict());

        List<String> cmd = new ArrayList<>(List.of("criu", "dump", "-t", Integer.toString(rootPid),
                "-D", dumpsDir.resolve(Integer.toString(rootPid)).toString(), "-v4", "-o", "dump.log"));
        for (String e : external) {
            cmd.add("--external");
            cmd.add(e);
        }
        if (extUnixSk) cmd.add("--ext-unix-sk");
        if (shellJob) cmd.add("--shell-job");
        return new PlanOutcome(rootPid, inside, new ArrayList<>(out.values()), overall, cmd);
    }

    private static Crossing socketCrossing(IpcGraph g, Set<Integer> inside, UnixSocket s, int pid, int fd,
                                           List<Choice> chosen) {
        UnixSocket peer = g.peerOf(s);
        String type = s.type().label();
        // a named peer no visible process holds still follows the named-peer rules below
        if (peer == null || (peer.holders().isEmpty() && !peer.name().isNamed())) {
            return new Crossing(s.key(), s.ino(), pid, fd, ObjectKeys.socket(s.peer()), -1,
                    type + " socket to inode " + s.peer(), "unknown owner", Verdict.UNKNOWN,
                    "The other end (socket:[" + s.peer() + "]) is held by no process we can see: "
                            + "without root, other users' processes are hidden.",
                    List.of(), List.of());
        }
        Holder outsideHolder = null;
        for (Holder h : peer.holders()) {
            if (inside.contains(h.pid())) return null; // both ends inside: CRIU dumps the pair
            if (outsideHolder == null) outsideHolder = h;
        }
        String outsideText = outsideHolder == null ? "no process (named " + peer.name().display() + ")"
                : who(g.process(outsideHolder.pid())) + ", fd " + outsideHolder.fd();
        boolean named = peer.name().isNamed();
        boolean ext = chosen.contains(Choice.EXTERNAL);
        boolean reconnect = chosen.contains(Choice.RECONNECT_BY_NAME);
        List<Choice> choices = new ArrayList<>();
        choices.add(Choice.EXTERNAL);
        if (named && s.type() == SocketType.DGRAM) choices.add(Choice.RECONNECT_BY_NAME);
        if (outsideHolder != null) choices.add(Choice.PULL_PEER);
        String what = named ? type + " to " + peer.name().display() : "socketpair (" + type + ")";
        Verdict v;
        String why;
        if (ext) {
            v = Verdict.RESOLVED;
            why = named
                    ? "Dumped with --external unix[" + s.ino() + "]. On restore, inherit a new connected socket "
                            + "(--inherit-fd fd[N]:" + s.key() + ") or the connection is lost."
                    : "Dumped with --external unix[" + s.ino() + "]. On restore, hand in a new socket with "
                            + "--inherit-fd fd[N]:" + s.key() + " (N is an fd of the criu process).";
        } else if (reconnect && choices.contains(Choice.RECONNECT_BY_NAME)) {
            v = Verdict.RESOLVED;
            why = "Dumped with --ext-unix-sk; on restore CRIU reconnects to " + peer.name().display()
                    + " by name (the path must exist then). Datagrams queued at the server are not saved.";
        } else {
            v = Verdict.FAIL;
            why = named
                    ? "The peer " + peer.name().display() + " is outside the dump: CRIU fails "
                            + (s.type().isConnectionOriented() ? "(\"Can't dump half of stream unix connection\")."
                            : "(\"External socket is used\").")
                    : "The other end of this socketpair is outside the dump: CRIU fails with "
                            + "\"External socket is used\". Tick external, or pull the peer in.";
        }
        return new Crossing(s.key(), s.ino(), pid, fd, peer.key(), outsideHolder == null ? -1 : outsideHolder.pid(),
                what, outsideText, v, why, choices, chosen.stream().filter(choices::contains).toList());
    }

    private static Crossing pipeCrossing(IpcGraph g, Set<Integer> inside, Pipe p, int pid, FdInfo fd,
                                         List<Choice> chosen) {
        boolean weRead = fd.mode().canRead();
        List<Holder> others = weRead ? p.writers() : p.readers();
        Holder outsideHolder = null;
        for (Holder h : others) {
            if (!inside.contains(h.pid())) {
                outsideHolder = h;
                break;
            }
        }
        if (outsideHolder == null) return null;
        String what = (p.isFifo() ? "FIFO " + p.fifoPath() : "pipe") + (weRead ? " (we read)" : " (we write)");
        return new Crossing(p.key(), p.ino(), pid, fd.fd(), p.key(), outsideHolder.pid(), what,
                who(g.process(outsideHolder.pid())) + ", fd " + outsideHolder.fd(), Verdict.OBLIGATION,
                "The dump succeeds, but the restored pipe is cut off from its other end unless the restore "
                        + "hands one in with --inherit-fd fd[N]:" + p.key() + ".",
                List.of(Choice.PULL_PEER), List.of());
    }

    private static String who(ProcessInfo p) {
        return p == null ? "unknown process" : p.comm() + " (pid " + p.pid() + ")";
    }
}
