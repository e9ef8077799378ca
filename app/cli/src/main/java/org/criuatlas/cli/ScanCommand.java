package org.criuatlas.cli;

import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.json.GraphJson;
import org.criuatlas.json.Json;
import org.criuatlas.json.ScanJson;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.FileLock;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.NetlinkSocket;
import org.criuatlas.model.PacketSocket;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.SysvSharedMemory;
import org.criuatlas.model.UnixSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code criu-atlas scan}: the live graph as text or JSON. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Print the live graph of processes and what they hold: sockets of every family, pipes, locks, SysV IPC,"
                + " namespaces (as root: every process).")
public final class ScanCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON (the one model of every command: docs/json.md; scan fields: docs/scan-json.md).")
    boolean json;

    @Option(names = {"-p", "--pid"}, arity = "1..*", paramLabel = "PID",
            description = "Only these processes and their descendants (repeatable).")
    List<Integer> pids;

    @Option(names = "--pretty", description = "Indent the JSON.")
    boolean pretty;

    @picocli.CommandLine.Mixin HostOption host = new HostOption();

    @Override
    public Integer call() throws Exception {
        IpcGraph g;
        if (host.remote()) {
            try (org.criuatlas.host.bridge.BridgeHost h = host.connect()) {
                if (pids != null && !pids.isEmpty() && h.processStates(pids).isEmpty())
                    throw new CliException(ExitCode.NOT_FOUND, "no process " + pids + " on " + host.name());
                g = h.scan(pids == null ? java.util.Set.of() : new HashSet<>(pids));
            }
        } else {
            ScanScope scope = pids == null || pids.isEmpty() ? ScanScope.everything() : ScanScope.subtrees(new HashSet<>(pids));
            if (pids != null && !pids.isEmpty() && pids.stream().noneMatch(LiveProcesses::exists))
                throw new CliException(ExitCode.NOT_FOUND, "no process " + pids);
            g = LiveGraph.scan(scope);
        }
        PrintStream out = System.out;
        if (json) {
            Json.write(ScanJson.of(g), pretty, out);
            out.println();
        } else {
            printText(g, out);
        }
        out.flush();
        return 0;
    }

    static void printText(IpcGraph g, PrintStream out) {
        IpcGraph.Meta meta = g.meta();
        out.printf("Live scan of %s at %s in %.1f ms (%s)%n", meta.origin(), meta.takenAt(), meta.scanNanos() / 1e6,
                meta.privileged() ? "root: every process" : "not root: your own processes only");
        out.println(g.summary());
        out.println();
        for (ProcessInfo p : g.processes().values()) {
            out.printf("%d  %s  (parent %d, uid %d, %c)  %s%n", p.pid(), p.comm(), p.ppid(), p.uid(), p.state(),
                    p.commandText());
            String apart = p.namespaces().differentFrom(meta.scanner()).stream().map(k -> k.linkName)
                    .collect(Collectors.joining(", "));
            if (!apart.isEmpty()) out.println("    namespaces apart from the scanner's: " + apart);
            if (p.isTraced()) out.println("    traced by pid " + p.tracerPid());
            if (p.cwdDeleted()) out.println("    cwd: " + p.cwd());
            if (!p.fdsReadable()) out.println("    fds: not readable");
            for (FdInfo f : p.fds()) {
                String detail = describe(g, p.pid(), f);
                if (detail != null) out.printf("    fd %-4d %s%n", f.fd(), detail);
            }
        }
        if (!g.fileLocks().isEmpty()) {
            out.println();
            out.println("File locks:");
            for (FileLock l : g.fileLocks()) {
                out.printf("  %s%s %s %s:%d %d-%s pid %d %s%s%n", l.waiting() ? "waiting " : "", l.kind().label(), l.access().label(),
                        l.deviceHex(), l.ino(), l.start(), l.end() < 0 ? "EOF" : Long.toString(l.end()), l.pid(),
                        l.path() == null ? "" : l.path() + " ", l.holders().isEmpty() ? "" : holdersText(l.holders(), -1));
            }
        }
        if (!g.sysvShm().isEmpty() || !g.sysvSemaphores().isEmpty() || !g.sysvMessageQueues().isEmpty()) {
            out.println();
            out.println("SysV IPC:");
            for (SysvSharedMemory m : g.sysvShm()) {
                out.printf("  shm %d key 0x%08x %d bytes, %d attached%s%s (ipc ns %d)%n", m.id(), m.key(), m.size(), m.attachCount(),
                        m.attachedPids().isEmpty() ? "" : " " + m.attachedPids(), m.removed() ? ", removed" : "", m.ipcNs());
            }
            g.sysvSemaphores().forEach(x -> out.printf("  sem %d key 0x%08x %d semaphores (ipc ns %d)%n", x.id(), x.key(), x.count(), x.ipcNs()));
            g.sysvMessageQueues().forEach(x -> out.printf("  msg %d key 0x%08x %d messages, %d bytes (ipc ns %d)%n", x.id(), x.key(),
                    x.messages(), x.bytes(), x.ipcNs()));
        }
        long orphans = g.sockets().values().stream().filter(s -> s.holders().isEmpty()).count();
        if (orphans > 0) out.printf("%n%d unix sockets held by no visible process (owner unknown)%n", orphans);
        if (!g.problems().isEmpty()) {
            out.println();
            out.println("Problems:");
            for (ScanProblem pr : g.problems()) out.println("  " + pr);
        }
    }

    /** One line per socket, pipe, FIFO and terminal fd; other fds are left out of the text form. */
    private static String describe(IpcGraph g, int pid, FdInfo f) {
        switch (f.kind()) {
            case SOCKET -> {
                UnixSocket s = g.socket(f.inode());
                if (s == null) return f.target() + "  " + otherSocket(g, f.inode());
                StringBuilder b = new StringBuilder();
                b.append(f.target()).append("  unix ").append(s.type().label()).append(' ').append(s.state().label());
                if (s.name().isNamed()) b.append("  ").append(s.name().display());
                if (s.peer() != 0) {
                    b.append("  peer ").append(s.peer());
                    UnixSocket peer = g.socket(s.peer());
                    b.append(" ").append(peer == null ? "(not seen)" : holdersText(peer.holders(), pid));
                }
                if (!s.pending().isEmpty()) b.append("  ").append(s.pending().size()).append(" pending");
                List<Holder> others = s.holders().stream().filter(h -> h.pid() != pid).toList();
                if (!others.isEmpty()) b.append("  shared with ").append(holdersText(others, -1));
                return b.toString();
            }
            case PIPE, FIFO -> {
                Pipe p = g.pipe(f.inode());
                String end = GraphJson.mode(f.mode()) + " end";
                if (p == null) return f.target() + "  " + end;
                List<Holder> other = f.mode().canWrite() ? p.readers() : p.writers();
                return f.target() + "  " + end + ", other end " + holdersText(other, pid);
            }
            case TTY -> { return f.target() + "  terminal" + (f.terminal() == null ? "" : " (" + f.terminal().role().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")"); }
            case ANON_INODE -> { return f.anonInode() == null ? null : f.target() + "  " + f.anonInode().kind().label(); }
            default -> {
                if (f.file() != null && f.file().deleted()) return f.target() + "  deleted file";
                return null;
            }
        }
    }

    /** Inet, netlink or packet: one line; a socket no dump listed is named as such (the problems say why). */
    private static String otherSocket(IpcGraph g, long ino) {
        InetSocket in = g.inetSocket(ino);
        if (in != null) {
            InetSocket peer = g.peerOf(in);
            return in.describe() + (peer == null ? "" : "  peer " + peer.ino() + " " + holdersText(peer.holders(), -1));
        }
        NetlinkSocket nl = g.netlinkSockets().get(ino);
        if (nl != null) return "netlink " + nl.protocolName() + " port " + nl.portId();
        PacketSocket pk = g.packetSockets().get(ino);
        if (pk != null) return "packet " + pk.typeLabel() + " protocol 0x" + Integer.toHexString(pk.protocol()) + " ifindex " + pk.ifindex();
        return "(not listed by sock_diag: see the problems)";
    }

    private static String holdersText(List<Holder> hs, int self) {
        Set<Integer> pids = hs.stream().map(Holder::pid).collect(Collectors.toCollection(java.util.TreeSet::new));
        if (pids.isEmpty()) return "(owner unknown)";
        if (pids.size() == 1 && pids.contains(self)) return "(same process)";
        return "(pid " + pids.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")";
    }
}
