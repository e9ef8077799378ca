package org.criuatlas.ui.vm;

import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.UnixSocket;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Builds the process table's rows (tree order) and decides what a search matches. Pure. */
public final class ProcessRows {
    private ProcessRows() {}

    /** Kernel threads (kthreadd and its children) are hidden unless asked for: a hundred of them say nothing about IPC. */
    public static boolean isKernelThread(ProcessInfo p) {
        return (p.pid() == 2 || p.ppid() == 2) && p.cmdline().isEmpty();
    }

    /** The processes the window shows. */
    public static boolean visible(ProcessInfo p, boolean showKernelThreads) {
        return showKernelThreads || !isKernelThread(p);
    }

    /** Rows in depth-first tree order, children by pid. */
    public static List<ProcessRow> of(IpcGraph g, boolean showKernelThreads) {
        List<ProcessRow> out = new ArrayList<>(g.processes().size());
        Set<Integer> seen = new HashSet<>();
        ArrayList<int[]> stack = new ArrayList<>();
        List<Integer> roots = g.roots();
        for (int i = roots.size() - 1; i >= 0; i--) stack.add(new int[]{roots.get(i), 0});
        while (!stack.isEmpty()) {
            int[] top = stack.remove(stack.size() - 1);
            ProcessInfo p = g.process(top[0]);
            if (p == null || !seen.add(p.pid()) || !visible(p, showKernelThreads)) continue;
            out.add(row(g, p, top[1]));
            List<Integer> ch = g.children(p.pid());
            for (int i = ch.size() - 1; i >= 0; i--) stack.add(new int[]{ch.get(i), top[1] + 1});
        }
        return out;
    }

    static ProcessRow row(IpcGraph g, ProcessInfo p, int depth) {
        int sockets = 0;
        int pipes = 0;
        long fds = 17;
        for (FdInfo f : p.fds()) {
            FdKind k = f.kind();
            if (k == FdKind.SOCKET) sockets++;
            else if (k == FdKind.PIPE || k == FdKind.FIFO) pipes++;
            fds = fds * 31 + k.ordinal();
            fds = fds * 1_000_003 + f.inode();
            if (k == FdKind.REGULAR || k == FdKind.DIRECTORY || k == FdKind.TTY) fds = fds * 31 + java.util.Objects.hashCode(f.target());
        }
        return new ProcessRow(p.pid(), p.ppid(), depth, p.comm(), p.commandText(), p.uid(), sockets, pipes, fds);
    }

    /** What the search box matches for {@code p} in {@code g}, lower case: pid, command, socket and pipe inodes and keys, names, peers' names, paths. */
    static String searchText(IpcGraph g, ProcessInfo p) {
        StringBuilder search = new StringBuilder();
        search.append(p.pid()).append(' ').append(p.comm()).append(' ').append(String.join(" ", p.cmdline()));
        for (FdInfo f : p.fds()) {
            if (f.kind() == FdKind.SOCKET) {
                search.append(" socket:[").append(f.inode()).append("] ").append(f.inode());
                UnixSocket s = g.socket(f.inode());
                if (s != null) {
                    if (s.name().isNamed()) search.append(' ').append(s.name().display());
                    UnixSocket peer = g.peerOf(s);
                    if (peer != null && peer.name().isNamed()) search.append(' ').append(peer.name().display());
                }
            } else if (f.kind() == FdKind.PIPE || f.kind() == FdKind.FIFO) {
                search.append(" pipe:[").append(f.inode()).append("] ").append(f.inode());
                Pipe pp = g.pipe(f.inode());
                if (pp != null && pp.isFifo()) search.append(' ').append(pp.fifoPath());
            } else if (f.kind() == FdKind.REGULAR || f.kind() == FdKind.DIRECTORY || f.kind() == FdKind.TTY) {
                search.append(' ').append(f.target());
            }
        }
        return search.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * Does {@code row} match the search text? Every word must match: a number matches the pid or an
     * inode exactly, other words match anywhere in the command, names and paths.
     */
    public static boolean matches(ProcessRow row, SearchIndex index, String query) {
        if (query == null || query.isBlank()) return true;
        String text = index.text(row.pid());
        for (String w : query.toLowerCase(Locale.ROOT).trim().split("\\s+")) {
            if (w.chars().allMatch(Character::isDigit)) {
                if (!(Integer.toString(row.pid()).equals(w) || containsWord(text, w))) return false;
            } else if (!text.contains(w)) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsWord(String text, String number) {
        int i = text.indexOf(number);
        while (i >= 0) {
            boolean startOk = i == 0 || !Character.isDigit(text.charAt(i - 1));
            int end = i + number.length();
            boolean endOk = end == text.length() || !Character.isDigit(text.charAt(end));
            if (startOk && endOk) return true;
            i = text.indexOf(number, i + 1);
        }
        return false;
    }
}
