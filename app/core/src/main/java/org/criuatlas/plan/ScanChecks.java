package org.criuatlas.plan;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the scan could not see, where it touches the dumped tree: the plan cannot vouch for what it
 * did not see, so each such problem is a check that makes the outcome "cannot tell" with the
 * scan's reason (never a "will succeed" built on a hole). Pure: no I/O.
 *
 * <ul>
 *   <li>a net or IPC namespace of a dumped process whose objects could not be read (it could not be
 *       entered, no permission, its process exited first, the kernel's list changed while read);</li>
 *   <li>a child of a dumped process that exited while the scan read it (the tree changed under the scan);</li>
 *   <li>anything else the scan could not read about a dumped process (no permission, a socket
 *       sock_diag does not describe, text that is not what the kernel writes). Its fd table is
 *       {@link PlanCheck.Kind#FDS_UNREADABLE}'s, and an fd closed while it was read is ordinary churn
 *       (what CRIU meets is the process as it is when frozen).</li>
 * </ul>
 */
final class ScanChecks {
    private ScanChecks() {}

    static void check(IpcGraph g, Set<Integer> inside, List<PlanCheck> out) {
        Set<String> said = new LinkedHashSet<>();
        for (ScanProblem p : g.problems()) {
            ScanProblem.Namespace ns = p.namespace();
            if (ns != null) {
                if (p.kind() == ScanProblem.Kind.UNSUPPORTED || p.kind() == ScanProblem.Kind.MALFORMED) continue;
                List<Integer> in = new ArrayList<>();
                for (int pid : inside) {
                    ProcessInfo q = g.process(pid);
                    if (q != null && q.namespaces().inode(ns.kind()) == ns.inode()) in.add(pid);
                }
                if (in.isEmpty()) continue;
                String objects = ns.kind() == org.criuatlas.model.NamespaceKind.NET ? "sockets" : "SysV IPC objects";
                add(out, said, in.get(0), "the scan could not read the " + objects + " of "
                        + ns.kind().linkName + " namespace " + ns.inode() + ", where pid" + (in.size() == 1 ? " " : "s ")
                        + list(in) + " of the dump live" + (in.size() == 1 ? "s" : "") + ": " + p.reason(),
                        "its " + objects + " are unknown");
                continue;
            }
            int parent = p.exitedChildOf();
            if (parent > 0 && inside.contains(parent)) {
                add(out, said, parent, "pid " + p.pid() + ", a child of pid " + parent + " in the dump, exited while the scan read it:"
                        + " the tree changed during the scan (its children, if any, may have moved); scan again", "the tree changed during the scan");
                continue;
            }
            if (p.pid() == 0 || !inside.contains(p.pid())) continue;
            ProcessInfo q = g.process(p.pid());
            if (q == null) continue;
            if (p.kind() == ScanProblem.Kind.VANISHED) continue;
            if (!q.fdsReadable() && (p.what().equals("fds") || p.what().startsWith("fd "))) continue;
            if (p.kind() == ScanProblem.Kind.UNSUPPORTED && p.what().equals("sockets") && onlyUnconnectedInet(p.reason())) continue;
            add(out, said, p.pid(), "the scan could not read " + p.what() + " of pid " + p.pid() + " (" + q.comm() + "): " + p.reason(),
                    p.what() + " of pid " + p.pid() + " not visible");
        }
    }

    private static final java.util.regex.Pattern UNLISTED = java.util.regex.Pattern.compile("\\(socket:\\[\\d+](?:, ([A-Za-z0-9]+))?\\)");
    private static final Set<String> INET = Set.of("TCP", "TCPv6", "UDP", "UDPv6", "UDPLITE", "UDPLITEv6");

    /**
     * The sockets sock_diag did not list are all TCP/UDP ones (sockfs names their protocol): sockets
     * neither bound nor connected, which CRIU dumps as unconnected ones (it does not need sock_diag
     * for them). Any other, or one whose protocol is unknown, leaves the plan undecided.
     */
    static boolean onlyUnconnectedInet(String reason) {
        java.util.regex.Matcher m = UNLISTED.matcher(reason);
        boolean any = false;
        while (m.find()) {
            if (m.group(1) == null || !INET.contains(m.group(1))) return false;
            any = true;
        }
        return any;
    }

    private static void add(List<PlanCheck> out, Set<String> said, int pid, String message, String why) {
        if (said.add(message)) out.add(new PlanCheck(PlanCheck.Kind.SCAN_PROBLEM, pid, Prediction.unknown(why), message));
    }

    private static String list(List<Integer> pids) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < Math.min(5, pids.size()); i++) s.add(Integer.toString(pids.get(i)));
        return String.join(", ", s) + (pids.size() > 5 ? " and " + (pids.size() - 5) + " more" : "");
    }
}
