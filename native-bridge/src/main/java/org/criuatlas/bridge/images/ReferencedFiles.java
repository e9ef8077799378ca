package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.proto.CriuImages.FileEntry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The regular files, directories and devices a dump's processes had open, as files.img records them
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
    public record RegularFile(int id, String path, long size, int mode) {
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
                out.add(new RegularFile(f.getId(), r.getName(), r.hasSize() ? r.getSize() : -1, r.hasMode() ? r.getMode() : 0));
            }
            out.sort(java.util.Comparator.comparingInt(RegularFile::id));
            return out;
        }
    }
}
