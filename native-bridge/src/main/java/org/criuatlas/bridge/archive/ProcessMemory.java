package org.criuatlas.bridge.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.criuatlas.bridge.images.ImageFile;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageMagic;
import org.criuatlas.bridge.images.ImageReadControl;
import org.criuatlas.bridge.images.proto.CriuImages.MmEntry;
import org.criuatlas.bridge.images.proto.CriuImages.PagemapEntry;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process's command line and environment, read from its dumped memory the way ps reads
 * /proc/PID/cmdline: mm-PID.img gives the addresses of the argument and environment areas,
 * pagemap-PID.img which pages were dumped and where they sit in pages-ID.img (only entries flagged
 * present occupy the pages file, in order; pages kept in a parent dump or left for lazy restore do
 * not), and only those few pages are copied out of the stream.
 */
final class ProcessMemory {
    static final int PAGE = 4096;
    /** Each area is read up to this much (a huge environment is cut, and says so). */
    static final int MAX_AREA = 256 << 10;
    private static final int PE_PRESENT = 4;
    private static final Pattern MM = Pattern.compile("mm-(\\d+)\\.img");

    record PageKey(long pagesId, long offset) {}

    /** One area of one process: its address range and the page offsets it needs. */
    private record Area(long start, long end, boolean cut, long pagesId, long[] pageOffsets) {}

    private static final class Task {
        Area args;
        Area env;
        String note = "";
    }

    private final Map<Integer, Task> tasks = new HashMap<>();
    private final Map<Long, TreeSet<Long>> wanted = new HashMap<>();
    private final Map<PageKey, byte[]> pages = new HashMap<>();

    private ProcessMemory() {}

    /** The pages every process's areas need, from the mm and pagemap images kept so far. */
    static ProcessMemory planFromKept(Path archive, Map<String, byte[]> images, boolean environment, ImageReadControl control) {
        ProcessMemory m = new ProcessMemory();
        for (String name : images.keySet()) {
            Matcher mm = MM.matcher(name);
            if (!mm.matches()) continue;
            int pid = Integer.parseInt(mm.group(1));
            Task t = new Task();
            m.tasks.put(pid, t);
            byte[] map = images.get("pagemap-" + pid + ".img");
            if (map == null) {
                t.note = "no pagemap-" + pid + ".img in the dump";
                continue;
            }
            try {
                MmEntry e = first(ImageFile.ofBytes(path(archive, name), images.get(name), control)
                        .readAll(ImageMagic.COMMON, ImageMagic.MM, MmEntry.parser()::parseFrom, null, null));
                List<ImageFile.Entry<PagemapEntry>> pm = ImageFile.ofBytes(path(archive, "pagemap-" + pid + ".img"), map, control)
                        .readAll(ImageMagic.COMMON, ImageMagic.PAGEMAP, PagemapEntry.parser()::parseFrom, null, null);
                if (e == null || pm.isEmpty()) {
                    t.note = "empty mm or pagemap image";
                    continue;
                }
                long pagesId = pm.get(0).message().getVaddr(); // the head's field 1 is pages_id
                t.args = m.area(e.getMmArgStart(), e.getMmArgEnd(), pm, pagesId);
                if (environment) t.env = m.area(e.getMmEnvStart(), e.getMmEnvEnd(), pm, pagesId);
            } catch (ImageFormatException ex) {
                // the graph does not need these images: say why the command line is missing, keep the rest
                t.note = ex.getMessage();
            }
        }
        return m;
    }

    private static <T> T first(List<ImageFile.Entry<T>> l) { return l.isEmpty() ? null : l.get(0).message(); }

    private static Path path(Path archive, String name) {
        return Path.of(archive.toString(), ArchiveReader.CHECKPOINT_DIR, name);
    }

    private Area area(long start, long end, List<ImageFile.Entry<PagemapEntry>> pm, long pagesId) {
        if (end <= start || start < 0) return new Area(start, start, false, pagesId, new long[0]);
        boolean cut = end - start > MAX_AREA;
        if (cut) end = start + MAX_AREA;
        long first = start / PAGE * PAGE;
        int n = (int) ((end - first + PAGE - 1) / PAGE);
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = fileOffset(pm, first + (long) i * PAGE);
            if (offsets[i] >= 0) wanted.computeIfAbsent(pagesId, k -> new TreeSet<>()).add(offsets[i]);
        }
        return new Area(start, end, cut, pagesId, offsets);
    }

    /** Where the page at {@code addr} sits in the pages image, -1 when the dump has no data for it. */
    private static long fileOffset(List<ImageFile.Entry<PagemapEntry>> pm, long addr) {
        long pos = 0;
        for (int i = 1; i < pm.size(); i++) {
            PagemapEntry p = pm.get(i).message();
            long nr = p.hasNrPages() ? p.getNrPages() : Integer.toUnsignedLong(p.getCompatNrPages());
            boolean present = p.hasFlags() ? (p.getFlags() & PE_PRESENT) != 0 : !p.getInParent();
            long v = p.getVaddr();
            if (Long.compareUnsigned(addr, v) >= 0 && Long.compareUnsigned(addr - v, nr * PAGE) < 0) {
                return present ? (pos + (addr - v) / PAGE) * PAGE : -1;
            }
            if (present) pos += nr;
        }
        return -1;
    }

    /** Copies the wanted pages of pages-{@code pagesId}.img out of the tar stream positioned at its start. */
    void read(TarArchiveInputStream tar, long pagesId, long size, Map<PageKey, byte[]> into) throws IOException {
        TreeSet<Long> want = wanted.get(pagesId);
        if (want == null) return;
        long pos = 0;
        byte[] sink = null;
        for (long off : want) {
            if (off + PAGE > size) break;
            if (pages.containsKey(new PageKey(pagesId, off))) continue;
            // read up to the page in large reads (the tar library's skip reads 2 KiB at a time)
            while (pos < off) {
                if (sink == null) sink = new byte[1 << 20];
                int s = tar.read(sink, 0, (int) Math.min(sink.length, off - pos));
                if (s <= 0) throw new EOFException("pages-" + pagesId + ".img is cut short");
                pos += s;
            }
            byte[] page = new byte[PAGE];
            int got = 0;
            while (got < PAGE) {
                int r = tar.read(page, got, PAGE - got);
                if (r < 0) throw new EOFException("pages-" + pagesId + ".img is cut short");
                got += r;
            }
            pos += PAGE;
            into.put(new PageKey(pagesId, off), page);
        }
    }

    void capture(Map<PageKey, byte[]> captured) { pages.putAll(captured); }

    /** True when pages it wants were in pages images already streamed but not copied (archive order). */
    boolean needsSecondPass(Set<Long> streamedPagesIds) {
        for (Map.Entry<Long, TreeSet<Long>> e : wanted.entrySet()) {
            if (!streamedPagesIds.contains(e.getKey())) continue;
            for (long off : e.getValue()) if (!pages.containsKey(new PageKey(e.getKey(), off))) return true;
        }
        return false;
    }

    boolean knows(int pid) { return tasks.containsKey(pid); }

    List<String> cmdline(int pid) { return strings(tasks.get(pid), true); }

    List<String> environment(int pid) { return strings(tasks.get(pid), false); }

    String note(int pid) {
        Task t = tasks.get(pid);
        if (t == null) return "no mm image (a zombie, or not in the dump)";
        List<String> notes = new ArrayList<>();
        if (!t.note.isEmpty()) notes.add(t.note);
        for (Area a : new Area[] {t.args, t.env}) {
            if (a == null) continue;
            String what = a == t.args ? "arguments" : "environment";
            if (a.cut()) notes.add(what + " cut at " + MAX_AREA + " bytes");
            if (bytes(a) == null) notes.add(what + ": pages not in this dump (kept in a parent dump, lazy, or cut out)");
        }
        return String.join("; ", notes);
    }

    private List<String> strings(Task t, boolean args) {
        if (t == null) return List.of();
        Area a = args ? t.args : t.env;
        byte[] b = a == null ? null : bytes(a);
        if (b == null) return List.of();
        List<String> out = new ArrayList<>();
        int s = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == 0) {
                if (i > s) out.add(new String(b, s, i - s, StandardCharsets.UTF_8));
                s = i + 1;
            }
        }
        return out;
    }

    /** The area's bytes, or null when a page of it is missing. */
    private byte[] bytes(Area a) {
        int len = (int) (a.end() - a.start());
        byte[] out = new byte[len];
        long first = a.start() / PAGE * PAGE;
        for (int i = 0; i < a.pageOffsets().length; i++) {
            if (a.pageOffsets()[i] < 0) return null;
            byte[] page = pages.get(new PageKey(a.pagesId(), a.pageOffsets()[i]));
            if (page == null) return null;
            long pageAddr = first + (long) i * PAGE;
            long from = Math.max(pageAddr, a.start());
            long to = Math.min(pageAddr + PAGE, a.end());
            if (to > from) System.arraycopy(page, (int) (from - pageAddr), out, (int) (from - a.start()), (int) (to - from));
        }
        return out;
    }
}
