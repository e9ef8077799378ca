package org.criuatlas.cli;

import org.criuatlas.bridge.images.CriuStats;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.images.InheritKeyCheck;
import org.criuatlas.json.Json;
import org.criuatlas.json.ShowJson;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.UnixSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code criu-atlas show DIR|ARCHIVE}: a CRIU image directory, or a container checkpoint archive
 * ({@link ArchiveShow}), as processes, sockets, pipes and obligations.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Read a CRIU image directory or a container checkpoint archive (podman --export .tar/.tar.gz/.tar.zst, "
                + "CRI-O/kubelet .tar) offline (no root needed) and print its processes with their fds, "
                + "unix sockets with peers, pipes, what a restore must be handed, and the dump statistics; "
                + "for an archive also the container (name, id, image, runtime, engine, times, IP/MAC, sizes, mounts) "
                + "and each process's command line.")
public final class ShowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR|ARCHIVE",
            description = "the image directory (holds inventory.img) or a checkpoint archive file")
    Path dir;

    @Option(names = "--env", description = "archives: also read each process's environment (it may hold secrets)")
    boolean environment;

    @Option(names = "--json", description = "print JSON instead of text (docs/json.md, docs/archives.md)")
    boolean json;

    @Option(names = "--inherit-key", paramLabel = "KEY",
            description = "check a key you plan to pass as --inherit-fd fd[N]:KEY against the image (repeatable)")
    List<String> inheritKeys = List.of();

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.exists(dir)) throw new CliException(ExitCode.NOT_FOUND, "no folder or archive " + dir);
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            return ArchiveShow.run(dir, json, environment, inheritKeys);
        }
        ImageDump dump;
        try {
            dump = ImageReader.open(dir);
        } catch (ImageFormatException e) {
            throw new CliException(e.kind() == ImageFormatException.Kind.NOT_A_DUMP ? ExitCode.NOT_FOUND : ExitCode.UNREADABLE,
                    e.getMessage(), e);
        }
        List<InheritKeyCheck.Finding> findings = InheritKeyCheck.check(inheritKeys, dump.graph(), dump.obligations());
        if (json) {
            System.out.println(Json.write(ShowJson.of(dump, findings)));
        } else {
            printText(System.out, dump, findings);
        }
        return findings.stream().anyMatch(f -> f.severity() == InheritKeyCheck.Severity.ERROR) ? ExitCode.CHECK_SAYS_NO.code : ExitCode.OK.code;
    }

    static void printText(PrintStream out, ImageDump d, List<InheritKeyCheck.Finding> findings) {
        IpcGraph g = d.graph();
        out.printf("Dump %s: %s (image version %d%s, %d files, read in %.1f ms)%n", d.dir(), g.summary(), d.imgVersion(),
                d.criuRunId().isEmpty() ? "" : ", run " + d.criuRunId(), d.imageCount(), g.meta().scanNanos() / 1e6);
        Map<Long, UnixSocket> sockets = g.sockets();
        Map<String, String> whereHeld = new HashMap<>();
        for (UnixSocket s : sockets.values()) whereHeld.put(s.key(), holders(s.holders()));

        out.println();
        out.println("Processes");
        for (ProcessInfo p : g.processes().values()) {
            out.printf("  %d  ppid %d  pgid %d  sid %d  %s  %s%s%n", p.pid(), p.ppid(), p.pgid(), p.sid(),
                    stateWord(p.state()), p.comm(), p.fds().isEmpty() ? "" : "  (" + p.fds().size() + " fds)");
            for (FdInfo f : p.fds()) {
                String extra = "";
                if (f.kind() == org.criuatlas.model.FdKind.SOCKET) {
                    UnixSocket s = sockets.get(f.inode());
                    if (s != null) extra = "  " + describe(g, s);
                } else if (f.kind() == org.criuatlas.model.FdKind.PIPE || f.kind() == org.criuatlas.model.FdKind.FIFO) {
                    Pipe pp = g.pipe(f.inode());
                    if (pp != null) extra = "  " + (f.kind() == org.criuatlas.model.FdKind.FIFO ? "fifo pipe:[" + pp.ino() + "] " : "")
                            + "readers " + holders(pp.readers()) + ", writers " + holders(pp.writers())
                            + (pp.queuedBytes() > 0 ? ", " + pp.queuedBytes() + " bytes queued" : "");
                }
                out.printf("    fd %-4d %-5s %s%s%n", f.fd(), modeWord(f), f.target(), extra);
            }
        }

        out.println();
        out.println("Unix sockets");
        if (sockets.isEmpty()) out.println("  none");
        for (UnixSocket s : sockets.values()) {
            out.printf("  %s  %s  held by %s%n", s.key(), describe(g, s), s.holders().isEmpty() ? "nobody in the dump" : holders(s.holders()));
        }

        out.println();
        out.println("Pipes and FIFOs");
        if (g.pipes().isEmpty()) out.println("  none");
        for (Pipe p : g.pipes().values()) {
            out.printf("  %s%s  readers %s  writers %s  %d bytes queued%n", p.key(), p.isFifo() ? " (FIFO " + p.fifoPath() + ")" : "",
                    holders(p.readers()), holders(p.writers()), p.queuedBytes());
        }

        out.println();
        out.println("Restore obligations");
        if (d.obligations().isEmpty()) out.println("  none: every connection has both ends in the dump");
        for (RestoreObligation o : d.obligations()) {
            out.printf("  %s  %s  (pid %d fd %d)%n      %s%n", o.key(), o.kind(), o.holder().pid(), o.holder().fd(), o.explanation());
        }
        if (!findings.isEmpty()) {
            out.println();
            out.println("Inherit keys");
            for (InheritKeyCheck.Finding f : findings) out.printf("  %s  %s: %s%n", f.severity(), f.key(), f.message());
        }

        out.println();
        out.println("Statistics");
        CriuStats.Dump ds = d.dumpStats();
        if (ds == null) {
            out.println("  no stats-dump in this directory (CRIU writes it to the work dir)");
        } else {
            out.printf("  dump: freezing %d us, frozen %d us, memdump %d us, memwrite %d us; pages scanned %d, written %d, "
                            + "skipped (parent) %d, lazy %d%n", ds.freezingTimeUs(), ds.frozenTimeUs(), ds.memdumpTimeUs(), ds.memwriteTimeUs(),
                    ds.pagesScanned(), ds.pagesWritten(), ds.pagesSkippedParent(), ds.pagesLazy());
        }
        CriuStats.Restore rs = d.restoreStats();
        if (rs != null) {
            out.printf("  restore: forking %d us, restore %d us; pages compared %d, skipped (COW) %d, restored %d%n",
                    rs.forkingTimeUs(), rs.restoreTimeUs(), rs.pagesCompared(), rs.pagesSkippedCow(), rs.pagesRestored());
        }
    }

    private static String describe(IpcGraph g, UnixSocket s) {
        if (s.externalPeer()) {
            return "external peer recorded by CRIU (outside the dump; real type unknown)"
                    + (s.name().isNamed() ? " name " + s.name().display() : " no name");
        }
        StringBuilder b = new StringBuilder();
        b.append(s.type().label()).append(' ').append(s.state().label());
        if (s.name().isNamed()) b.append(" name ").append(s.name().display());
        if (s.hasPeer()) {
            UnixSocket p = g.peerOf(s);
            b.append(" peer ").append(s.peer());
            if (p == null) b.append(" (not in the dump)");
            else if (p.externalPeer()) b.append(" (outside the dump").append(p.name().isNamed() ? ", " + p.name().display() : "").append(')');
            else if (!p.holders().isEmpty()) b.append(" (").append(holders(p.holders())).append(')');
        }
        if (s.recvQueue() > 0) b.append(" recv-q ").append(s.recvQueue());
        return b.toString();
    }

    static String holders(List<Holder> hs) {
        if (hs.isEmpty()) return "-";
        return hs.stream().map(h -> h.pid() + ":" + h.fd()).collect(Collectors.joining(","));
    }

    private static String modeWord(FdInfo f) {
        return switch (f.mode()) {
            case READ -> "r";
            case WRITE -> "w";
            case READ_WRITE -> "rw";
            case UNKNOWN -> "?";
        };
    }

    static String stateWord(char st) {
        return switch (st) {
            case 'S' -> "alive";
            case 'Z' -> "zombie";
            case 'T' -> "stopped";
            default -> "state " + st;
        };
    }
}
