package org.criuatlas.share;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A bug report for CRIU or CRIU Atlas as one {@code .tar.gz}: named text files under one folder,
 * each with a line saying what it is, so the listing can be shown (and checked) before anything is
 * written or sent. Built by {@link BugReport}.
 *
 * @param folder  the folder inside the archive (e.g. {@code criu-atlas-bug-20261205-1931})
 * @param entries the files, in the order they are listed
 */
public record BugBundle(String folder, List<Entry> entries) {
    public BugBundle {
        entries = List.copyOf(entries);
    }

    /** One file of the bundle: its name, its bytes and what it is, in words. */
    public record Entry(String name, byte[] content, String about) {
        public static Entry text(String name, String text, String about) {
            return new Entry(name, text.getBytes(StandardCharsets.UTF_8), about);
        }
    }

    public Entry entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    /** One line per file: size, name, what it is. */
    public String listing() {
        StringBuilder b = new StringBuilder();
        long total = 0;
        for (Entry e : entries) {
            b.append(String.format("%10d  %s/%-18s %s%n", e.content().length, folder, e.name(), e.about()));
            total += e.content().length;
        }
        b.append(String.format("%10d  bytes in %d files (before compression)%n", total, entries.size()));
        return b.toString();
    }

    /** The listing, then the first {@code lines} lines of each file: what a person checks before sending it. */
    public String preview(int lines) {
        StringBuilder b = new StringBuilder(listing());
        for (Entry e : entries) {
            b.append("\n--- ").append(e.name()).append(" ---\n");
            String[] all = new String(e.content(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < Math.min(lines, all.length); i++) b.append(all[i]).append('\n');
            if (all.length > lines) b.append("[... ").append(all.length - lines).append(" more lines]\n");
        }
        return b.toString();
    }

    /** Writes the bundle to {@code out} (through a temporary file beside it, so a failure leaves nothing half-written). */
    public void writeTarGz(Path out) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        long now = Instant.now().toEpochMilli();
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp));
             GZIPOutputStream gz = new GZIPOutputStream(os);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry dir = new TarArchiveEntry(folder + "/");
            dir.setModTime(now);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            for (Entry e : entries) {
                TarArchiveEntry te = new TarArchiveEntry(folder + "/" + e.name());
                te.setSize(e.content().length);
                te.setMode(0644);
                te.setModTime(now);
                tar.putArchiveEntry(te);
                tar.write(e.content());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A copy without the files named. */
    public BugBundle without(String... names) {
        List<Entry> keep = new ArrayList<>(entries);
        keep.removeIf(e -> List.of(names).contains(e.name()));
        return new BugBundle(folder, keep);
    }
}
