package org.criuatlas.bridge.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The files a process maps (its program, its libraries, locale archives, mapped data files), from
 * /proc/PID/maps: a file-backed mapping has a non-zero inode and its path as the last column. CRIU
 * maps each of them again by path at restore and refuses one whose size or ELF build-id changed, so a
 * tree moving to another host needs them there as they are here. A mapping of a deleted file
 * ({@code " (deleted)"}: also SysV segments and memfds) is left out: CRIU carries those in the images.
 */
public final class MapsFiles {
    private static final String DELETED = " (deleted)";

    private MapsFiles() {}

    /** The absolute paths of the file-backed mappings in one maps text, each once, in address order. */
    public static Set<String> paths(byte[] b, int len) {
        Set<String> out = new LinkedHashSet<>();
        int i = 0;
        while (i < len) {
            int eol = i;
            while (eol < len && b[eol] != '\n') eol++;
            Line l = line(b, i, eol);
            if (l != null && !l.path().endsWith(DELETED)) out.add(l.path());
            i = eol + 1;
        }
        return out;
    }

    /**
     * Which of {@code pids} map which file: path to the pids mapping it (in the order asked), paths
     * sorted. A process that ended meanwhile is left out; one whose maps cannot be read (another
     * user's, without privilege) too, and is counted in {@code unreadable} when that is not null.
     */
    public static SortedMap<String, List<Integer>> of(Collection<Integer> pids, List<Integer> unreadable) {
        SortedMap<String, List<Integer>> out = new TreeMap<>();
        for (int pid : pids) {
            byte[] b;
            try {
                b = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "maps"));
            } catch (java.nio.file.NoSuchFileException e) {
                continue;
            } catch (IOException | SecurityException e) {
                if (unreadable != null) unreadable.add(pid);
                continue;
            }
            for (String p : paths(b, b.length)) out.computeIfAbsent(p, k -> new ArrayList<>(1)).add(pid);
        }
        return out;
    }

    /**
     * A file-backed mapping whose file has no name left: the path it had, its inode and the address
     * range of its first mapping ({@code map_files/RANGE} reaches the file).
     */
    public record Deleted(String path, long ino, String range) {}

    /** Mappings CRIU dumps its own way although maps says " (deleted)": SysV segments, memfds, shared anonymous memory, AIO rings. */
    private static final String[] NOT_FILES = {"/SYSV", "/memfd:", "/dev/zero", "/anon_hugepage", "/[aio]"};

    /** The deleted files a maps text maps, each once (by path and inode), in address order. */
    public static List<Deleted> deleted(byte[] b, int len) {
        return deletedAndShm(b, len).deleted();
    }

    /** What one read of maps tells: the deleted files mapped ({@link #deleted}) and the SysV segments attached ({@link MapsSysv#shmids}). */
    public record Unnamed(List<Deleted> deleted, List<Integer> shmids) {}

    /** {@link #deleted} and the shmids of the SysV mappings (which maps also shows as deleted), in one pass. */
    public static Unnamed deletedAndShm(byte[] b, int len) {
        List<Deleted> out = new ArrayList<>(0);
        List<Integer> shm = new ArrayList<>(0);
        int i = 0;
        while (i < len) {
            int eol = i;
            while (eol < len && b[eol] != '\n') eol++;
            // cheap test first: only lines ending in " (deleted)" are parsed
            if (eol - i > DELETED.length() && endsWithDeleted(b, eol)) {
                int id = MapsSysv.shmid(b, i, eol);
                if (id >= 0) {
                    shm.add(id);
                    i = eol + 1;
                    continue;
                }
                Line l = line(b, i, eol);
                if (l != null) {
                    String path = l.path().substring(0, l.path().length() - DELETED.length());
                    boolean special = false;
                    for (String s : NOT_FILES) special |= path.startsWith(s);
                    if (!special && out.stream().noneMatch(d -> d.ino() == l.inode() && d.path().equals(path))) {
                        out.add(new Deleted(path, l.inode(), l.range()));
                    }
                }
            }
            i = eol + 1;
        }
        return new Unnamed(out, shm);
    }

    private static boolean endsWithDeleted(byte[] b, int eol) {
        int start = eol - DELETED.length();
        for (int k = 0; k < DELETED.length(); k++) if (b[start + k] != DELETED.charAt(k)) return false;
        return true;
    }

    /** A file-backed line of maps: its address range, its inode (not 0) and its absolute path as maps shows it. */
    private record Line(String range, long inode, String path) {}

    /**
     * start-end perms offset dev inode, then blanks, then the path to the end of the line (it may hold
     * blanks); null for an anonymous mapping, one without a path, or one whose "path" is not absolute ([heap]).
     */
    private static Line line(byte[] b, int from, int end) {
        int p = from, rangeEnd = from;
        long inode = -1;
        for (int field = 0; field < 5; field++) {
            while (p < end && b[p] == ' ') p++;
            int start = p;
            while (p < end && b[p] != ' ') p++;
            if (p == start) return null;
            if (field == 0) rangeEnd = p;
            if (field == 4) {
                inode = 0;
                for (int k = start; k < p; k++) {
                    if (b[k] < '0' || b[k] > '9') throw new ProcFormatException("maps", "inode column is not a number");
                    inode = inode * 10 + (b[k] - '0');
                }
            }
        }
        if (inode == 0) return null;
        while (p < end && b[p] == ' ') p++;
        if (p >= end || b[p] != '/') return null;
        return new Line(new String(b, from, rangeEnd - from, StandardCharsets.US_ASCII), inode, new String(b, p, end - p, StandardCharsets.UTF_8));
    }
}
