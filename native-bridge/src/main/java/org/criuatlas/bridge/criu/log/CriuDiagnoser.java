package org.criuatlas.bridge.criu.log;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns parsed CRIU log lines into typed diagnoses. Pure; works on logs of RPC sessions and of
 * plain {@code criu} runs. Exact strings: shared/criu-facts.md §5.2, §5.4, §7 and CRIU 4.1.1's binary.
 */
public final class CriuDiagnoser {
    // On these debug lines "ino" is the OUTSIDE peer and "peer_ino" is the dumped task's socket.
    private static final Pattern EXTERN_PAIR = Pattern.compile(
            "(Runaway socket|Ext stream not supported|Ext dgram w/o name|Dumping extern): ino (\\d+) peer_ino (\\d+)");
    // Restore: "Opening standalone (stage 0 id 0xa ino 322741 peer 322740)": ino is the image's own socket.
    private static final Pattern OPENING = Pattern.compile("Opening \\w+ \\(stage \\d+ id \\S+ ino (\\d+) peer (\\d+)\\)");
    private static final Pattern HALF_NAMES = Pattern.compile("name: (.*); peer name: (.*)$");
    private static final Pattern FORK = Pattern.compile("Can't fork for (\\d+): (.*)$");
    private static final Pattern FOUND_INHERIT = Pattern.compile("Found id (\\S+) \\(fd (\\d+)\\) in inherit fd list");

    /** Errors this machine's CRIU logs on every run; never the reason a run failed. */
    private static final List<String> BENIGN = List.of(
            "Can't setup RLIMIT_NOFILE",
            "Dumping FAILED.",
            "Restoring FAILED.");

    /**
     * Text that every line {@link #diagnose} reacts to contains, apart from ERROR lines (which it
     * always looks at) and pie lines naming a signal (CRASH): one anchor per pattern or phrase
     * above. Keep in step with them. The first two are context only (inodes for the errors after them):
     * {@link #diagnose} tries the kinds' patterns only on an error, a pie line or a line with one of the others.
     */
    private static final String[] ANCHORS = {
            "peer_ino ",                      // EXTERN_PAIR
            "(stage ",                        // OPENING
            "External socket",                // "... is used", "... found in image"
            "Can't ",                         // dump half / name-less, fork for, fstat inherit fd
            "Unix socket ",                   // PEER_MISSING
            "Dangling connection ",           // DANGLING
            "Unable to open fd=",             // OPEN_FD
            "Found dangling tty",             // DANGLING_TTY
            "without correspond master peer",
            "is not a session leader",
            "Consider using --shell-job",
            "OOM storing pipe",
            "Invalid inherit fd argument: ",  // BAD_INHERIT
    };

    private CriuDiagnoser() {}

    /** What a line's text must hold to matter at all: "Error", "pie" or an anchor; by first character, for one pass. */
    private static final String[][] NEEDLES_BY_FIRST = needlesByFirst();

    private static String[][] needlesByFirst() {
        List<String> all = new java.util.ArrayList<>(List.of("Error", "pie"));
        all.addAll(List.of(ANCHORS));
        String[][] by = new String[128][];
        for (String n : all) {
            char c = n.charAt(0);
            String[] was = by[c] == null ? new String[0] : by[c];
            String[] now = java.util.Arrays.copyOf(was, was.length + 1);
            now[was.length] = n;
            by[c] = now;
        }
        return by;
    }

    /**
     * Whether {@code raw} holds "Error", "pie" or an anchor, in one pass over it (the same answer as a
     * {@code contains} for each: a -v4 log is tens of thousands of lines, nearly none of which holds any).
     */
    static boolean mayMatterText(String raw) {
        int n = raw.length();
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c >= 128) continue;
            String[] cands = NEEDLES_BY_FIRST[c];
            if (cands == null) continue;
            for (String cand : cands) if (raw.startsWith(cand, i)) return true;
        }
        return false;
    }

    /** Whether {@code msg} holds an anchor of a pattern that names a kind (every anchor but the two context ones). */
    private static boolean hasKindAnchor(String msg) {
        for (int i = 2; i < ANCHORS.length; i++) if (msg.contains(ANCHORS[i])) return true;
        return false;
    }

    /**
     * Whether {@link #diagnose} could react to this line: diagnosing only the lines for which this is
     * true gives the same diagnoses as diagnosing the whole log, so a follower keeps just these.
     */
    public static boolean mayMatter(CriuLogLine l) {
        // the message and the Error / pie tags are parts of the text: a text with none of them cannot matter, and is
        // not taken apart (nearly all of a -v4 log)
        if (!mayMatterText(l.raw())) return false;
        String msg = l.message();
        if (l.isError() || (l.pie() && msg.contains(" by signal "))) return true;
        for (String a : ANCHORS) if (msg.contains(a)) return true;
        return false;
    }

    /**
     * @param failed whether the run failed; only then does an otherwise unexplained error become an
     *               {@link CriuErrorKind#OTHER_ERROR}
     */
    public static List<CriuDiagnosis> diagnose(List<CriuLogLine> lines, boolean failed) {
        List<CriuDiagnosis> out = new ArrayList<>();
        Long lastOurs = null, lastPeer = null;
        CriuLogLine firstUnexplained = null;
        for (CriuLogLine l : lines) {
            String msg = l.message();
            Matcher m = null;
            if (msg.contains(ANCHORS[0]) && (m = EXTERN_PAIR.matcher(msg)).find()) {
                lastPeer = Long.parseLong(m.group(2));
                lastOurs = Long.parseLong(m.group(3));
            }
            if (msg.contains(ANCHORS[1]) && (m = OPENING.matcher(msg)).find()) {
                lastOurs = Long.parseLong(m.group(1));
                lastPeer = Long.parseLong(m.group(2));
            }
            // a line that only names the sockets' inodes for the errors after it (a 1,000-process restore has 4,560 of
            // them and often no error): none of the patterns below can match it, so they are not tried (~16 regex scans
            // a line, 150-340 ms on the way to the result under load)
            if (!l.isError() && !l.pie() && !hasKindAnchor(msg)) continue;
            CriuDiagnosis d = null;
            if (CriuErrorKind.EXTERNAL_SOCKET_USED.recognises(msg)) {
                d = new CriuDiagnosis(CriuErrorKind.EXTERNAL_SOCKET_USED,
                        "A socket in the dumped tree" + ino(lastOurs) + " is connected to a socket outside it"
                                + ino(lastPeer) + "; CRIU refuses to dump half of a connection.",
                        "Mark the tree's end as external (--external unix[" + orIno(lastOurs) + "]) and, on restore, hand in a"
                                + " replacement with --inherit-fd fd[N]:socket:[" + orIno(lastOurs) + "]. --ext-unix-sk only helps for a"
                                + " datagram socket whose outside peer has a name.",
                        lastOurs, lastPeer, l.pids(), l.number(), msg);
            } else if (CriuErrorKind.HALF_STREAM_CONNECTION.recognises(msg)) {
                Matcher n = HALF_NAMES.matcher(msg);
                String names = n.find() ? " (its name: " + n.group(1) + ", outside peer's name: " + n.group(2) + ")" : "";
                d = new CriuDiagnosis(CriuErrorKind.HALF_STREAM_CONNECTION,
                        "A stream or seqpacket socket in the tree" + ino(lastOurs) + " is connected to a socket outside"
                                + ino(lastPeer) + names + "; --ext-unix-sk covers only datagram sockets.",
                        "Dump with --external unix[" + orIno(lastOurs) + "] instead, and on restore hand in a new connected"
                                + " socket with --inherit-fd fd[N]:socket:[" + orIno(lastOurs) + "] (or, for a named listener,"
                                + " accept that --ext-unix-sk reconnects by name as a fresh connection).",
                        lastOurs, lastPeer, l.pids(), l.number(), msg);
            } else if (CriuErrorKind.NAMELESS_EXTERNAL_SOCKET.recognises(msg)) {
                d = new CriuDiagnosis(CriuErrorKind.NAMELESS_EXTERNAL_SOCKET,
                        "A datagram socket in the tree" + ino(lastOurs) + " talks to an outside socket without a name"
                                + ino(lastPeer) + ", so CRIU could not reconnect it by name on restore.",
                        "Dump with --external unix[" + orIno(lastOurs) + "] and restore with --inherit-fd"
                                + " fd[N]:socket:[" + orIno(lastOurs) + "] on a new socket.",
                        lastOurs, lastPeer, l.pids(), l.number(), msg);
            } else if ((m = CriuErrorKind.UNIX_PEER_MISSING.find(msg)) != null && m.group(1) != null) {
                d = new CriuDiagnosis(CriuErrorKind.UNIX_PEER_MISSING,
                        "Socket " + m.group(1) + " is connected to socket " + m.group(3) + ", which CRIU cannot find"
                                + (m.group(2).startsWith("with") ? " pointing back at it" : "") + " (it may sit in another network namespace or be closing).",
                        "Retry once the connection has settled, or mark socket " + m.group(1) + " external (--external unix["
                                + m.group(1) + "]).",
                        Long.parseLong(m.group(1)), Long.parseLong(m.group(3)), l.pids(), l.number(), msg);
            } else if (m != null) {
                d = new CriuDiagnosis(CriuErrorKind.UNIX_PEER_MISSING,
                        "Socket " + m.group(4) + " is a connected stream socket without a peer (a dangling connection).",
                        "Let the program finish connecting or close it, then dump again.",
                        Long.parseLong(m.group(4)), null, l.pids(), l.number(), msg);
            } else if (CriuErrorKind.EXTERNAL_SOCKET_IN_IMAGE.recognises(msg)) {
                d = new CriuDiagnosis(CriuErrorKind.EXTERNAL_SOCKET_IN_IMAGE,
                        "The images contain a socket" + ino(lastOurs) + " whose peer was outside the dumped tree"
                                + ino(lastPeer) + ", and this restore was not told how to reconnect it.",
                        "Hand in a replacement with --inherit-fd fd[N]:socket:[" + orIno(lastOurs) + "] (socketpairs, stream"
                                + " peers), or restore with --ext-unix-sk when the outside peer is a named socket that exists now.",
                        lastOurs, lastPeer, l.pids(), l.number(), msg);
            } else if ((m = CriuErrorKind.UNABLE_TO_OPEN_FD.find(msg)) != null) {
                d = new CriuDiagnosis(CriuErrorKind.UNABLE_TO_OPEN_FD,
                        "A restored process" + (l.taskPid() != null ? " (" + l.taskPid() + ")" : "") + " could not get back its fd "
                                + m.group(1) + " (file id " + m.group(2) + ").",
                        "See the error just before it in the log; usually an external socket or file that must be handed in"
                                + " with --inherit-fd or must exist again.",
                        null, null, l.pids(), l.number(), msg);
            } else if ((m = FORK.matcher(msg)).find()) {
                int pid = Integer.parseInt(m.group(1));
                boolean taken = CriuErrorKind.PID_TAKEN.recognises(msg);
                d = new CriuDiagnosis(taken ? CriuErrorKind.PID_TAKEN : CriuErrorKind.OTHER_ERROR,
                        taken ? "PID " + pid + " is still in use (the dumped process, its unreaped zombie, or another process),"
                                + " and CRIU restores processes with their old PIDs."
                                : "CRIU could not create process " + pid + ": " + m.group(2) + ".",
                        taken ? "Stop the process that has PID " + pid + " (or wait until its parent has reaped it), then"
                                + " restore again; or restore in a new PID namespace." : "See the log for the cause.",
                        null, null, List.of(pid), l.number(), msg);
            } else if ((m = CriuErrorKind.DANGLING_TTY.find(msg)) != null) {
                boolean full = m.group(1) != null;
                d = new CriuDiagnosis(CriuErrorKind.DANGLING_TTY,
                        "The tree uses a terminal" + (full ? " (" + m.group(3) + ", session " + m.group(1) + ")" : "")
                                + " whose other side is outside it: it is a job of an interactive shell.",
                        "Dump and restore with --shell-job, or start the program detached (setsid, stdio redirected).",
                        null, null, full ? List.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))) : l.pids(), l.number(), msg);
            } else if (CriuErrorKind.TTY_WITHOUT_MASTER.recognises(msg)) {
                d = new CriuDiagnosis(CriuErrorKind.TTY_WITHOUT_MASTER,
                        "The tree uses a pseudo-terminal whose master side (the terminal emulator or script(1)) is outside it.",
                        "Dump and restore with --shell-job, or start the program detached from the terminal (setsid, stdio redirected).",
                        null, null, l.pids(), l.number(), msg);
            } else if ((m = CriuErrorKind.NOT_SESSION_LEADER.find(msg)) != null) {
                Integer pid = m.group(1) != null ? Integer.valueOf(m.group(1)) : null;
                d = new CriuDiagnosis(CriuErrorKind.NOT_SESSION_LEADER,
                        (pid != null ? "The root process " + pid : "The tree") + " is not the leader of its own session:"
                                + " it belongs to a shell's session outside the tree.",
                        "Use --shell-job on both dump and restore, or start the program with setsid.",
                        null, null, pid != null ? List.of(pid) : l.pids(), l.number(), msg);
            } else if (CriuErrorKind.TOO_MANY_PIPES.recognises(msg)) {
                d = new CriuDiagnosis(CriuErrorKind.TOO_MANY_PIPES,
                        "The tree has more pipes holding unread data than CRIU can store (1,024).",
                        "Let the readers drain their pipes, or dump a smaller subtree.",
                        null, null, l.pids(), l.number(), msg);
            } else if ((m = CriuErrorKind.BAD_INHERIT_FD.find(msg)) != null && m.group(1) != null) {
                d = new CriuDiagnosis(CriuErrorKind.BAD_INHERIT_FD,
                        "The inherit-fd argument '" + m.group(1) + "' is malformed.",
                        "Write it as fd[N]:socket:[INO] or fd[N]:pipe:[INO] (with the colon before the bracket).",
                        null, null, l.pids(), l.number(), msg);
            } else if (m != null) {
                d = new CriuDiagnosis(CriuErrorKind.BAD_INHERIT_FD,
                        "Fd " + m.group(2) + " named in an inherit-fd argument is not open in criu (" + m.group(3) + ").",
                        "Open that fd for criu (e.g. " + m.group(2) + "<&M in the shell, or pass it to the session) before restoring.",
                        null, null, l.pids(), l.number(), msg);
            } else if ((m = CriuErrorKind.PROCESS_GONE.find(msg)) != null) {
                d = new CriuDiagnosis(CriuErrorKind.PROCESS_GONE,
                        "Process " + m.group(1) + " ended while CRIU was dumping it.",
                        "Dump again once the tree is steady; a process that exits during the dump cannot be saved.",
                        null, null, List.of(Integer.parseInt(m.group(1))), l.number(), msg);
            } else if (CriuErrorKind.NETWORK_LOCK.recognises(msg)) {
                d = new CriuDiagnosis(CriuErrorKind.NETWORK_LOCK,
                        "CRIU could not lock the network of the dumped tree (it blocks its traffic while dumping).",
                        "See the lines before it in the log: the iptables/nftables tools CRIU calls must be installed and work.",
                        null, null, l.pids(), l.number(), msg);
            } else if ((m = CriuErrorKind.RESTORED_TASK_CRASHED.find(msg)) != null && (l.isError() || l.pie())) {
                int pid = Integer.parseInt(m.group(1));
                int sig = Integer.parseInt(m.group(3));
                d = new CriuDiagnosis(CriuErrorKind.RESTORED_TASK_CRASHED,
                        "Restored process " + pid + " " + m.group(2) + " by signal " + sig
                                + (sig == 11 ? " (segmentation fault)" : "") + " while CRIU rebuilt it.",
                        sig == 11 ? "This happens when a socketpair end is restored with --ext-unix-sk: restore it with"
                                + " --inherit-fd fd[N]:socket:[INO] on a new socketpair instead."
                                : "See the log lines before it for the step that failed.",
                        null, null, List.of(pid), l.number(), msg);
            }
            if (d == null && (l.isError() || l.pie())) {
                for (CriuErrorKind k : CriuErrorKind.values()) {
                    if (k.explanation != null && k.recognises(msg)) {
                        d = new CriuDiagnosis(k, k.explanation, k.remedy, null, null, l.pids(), l.number(), msg);
                        break;
                    }
                }
            }
            if (d != null) {
                if (!duplicate(out, d)) out.add(d);
            } else if (l.isError() && firstUnexplained == null && BENIGN.stream().noneMatch(msg::contains)) {
                firstUnexplained = l;
            }
        }
        if (failed && out.isEmpty() && firstUnexplained != null) {
            CriuLogLine l = firstUnexplained;
            out.add(new CriuDiagnosis(CriuErrorKind.OTHER_ERROR,
                    "CRIU stopped with: " + l.message().trim() + (l.sourceFile() != null ? " (" + l.source() + ")" : ""),
                    "Read the log around line " + l.number() + " for the step that failed.",
                    null, null, l.pids(), l.number(), l.message()));
        }
        return out;
    }

    private static boolean duplicate(List<CriuDiagnosis> out, CriuDiagnosis d) {
        for (CriuDiagnosis o : out) {
            if (o.kind().shellJob() && d.kind().shellJob()) return true;
            if (o.kind() == d.kind() && java.util.Objects.equals(o.dumpedInode(), d.dumpedInode())
                    && java.util.Objects.equals(o.outsideInode(), d.outsideInode()) && o.pids().equals(d.pids()))
                return true;
        }
        return false;
    }

    private static String ino(Long ino) {
        return ino == null ? "" : " (inode " + ino + ")";
    }

    private static String orIno(Long ino) {
        return ino == null ? "INO" : ino.toString();
    }
}
