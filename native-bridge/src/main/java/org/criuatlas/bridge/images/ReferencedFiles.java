package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.proto.CriuImages.FileEntry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The regular files, directories and devices a dump's processes had open or mapped, as files.img records them
 * ({@code reg_file_entry}: path, size when CRIU wrote one, mode): what a restore will reopen by path,
 * so a restore preview can compare them with the files on the machine now.
 */
public final class ReferencedFiles {
    private ReferencedFiles() {}

    /**
     * One file of files.img.
     *
     * @param id   the file id (fdinfo entries point at it)
     * @param path the path CRIU reopens (relative to the dump's root mount)
     * @param size the size at dump time, -1 when the image has none (directories, devices, old CRIU)
     * @param mode st_mode at dump time, 0 when absent
     */
    /**
     * @param buildId the ELF build-id CRIU recorded for it (lower-case hex), null when none: CRIU refuses
     *                a restore when the file there has another one
     */
    public record RegularFile(int id, String path, long size, int mode, String buildId) {
        public RegularFile(int id, String path, long size, int mode) {
            this(id, path, size, mode, null);
        }

        private static final int S_IFMT = 0170000, S_IFREG = 0100000;

        /** A regular file (not a directory, device or FIFO): only these have a size worth comparing. */
        public boolean regular() { return mode == 0 || (mode & S_IFMT) == S_IFREG; }
    }

    /** Every {@code REG} entry of files.img in {@code dir}, in file-id order; a dump without files.img has none. */
    public static List<RegularFile> read(Path dir) throws ImageFormatException {
        try (ImageDirectory src = ImageDirectory.open(dir)) {
            List<RegularFile> out = new ArrayList<>();
            for (ImageFile.Entry<FileEntry> e : src.readAll("files.img", new ImageReadControl(), ImageMagic.COMMON, ImageMagic.FILES,
                    FileEntry.parser()::parseFrom, null, null, true)) {
                FileEntry f = e.message();
                if (!f.hasReg()) continue;
                var r = f.getReg();
                out.add(new RegularFile(f.getId(), r.getName(), r.hasSize() ? r.getSize() : -1, r.hasMode() ? r.getMode() : 0,
                        buildId(r.getBuildIdList())));
            }
            out.sort(java.util.Comparator.comparingInt(RegularFile::id));
            return out;
        }
    }

    /**
     * CRIU copies the build-id's bytes into its uint32 array as they lie in memory: four bytes an
     * element, in the dumping machine's order (little-endian on the machines CRIU Atlas runs on; checked
     * against {@code crit decode} and {@code readelf -n}). A last, partial element is padded with zero bytes.
     */
    static String buildId(List<Integer> words) {
        if (words.isEmpty()) return null;
        StringBuilder b = new StringBuilder(words.size() * 8);
        for (int w : words) {
            for (int k = 0; k < 4; k++) {
                int v = (w >>> (8 * k)) & 0xff;
                b.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 15, 16));
            }
        }
        return b.toString();
    }
}
