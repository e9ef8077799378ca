package org.criuatlas.bridge.images;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The GNU build-id of an ELF file (the {@code NT_GNU_BUILD_ID} note that {@code readelf -n} and
 * {@code file} show), read from its note segments. CRIU records it for every ELF file a dumped process
 * maps or has open and, by default, refuses to restore when the file at that path now has another one
 * ("File ... has bad build-ID", measured with CRIU 4.2.1): a rebuilt library of the same size still
 * fails a restore, so a size comparison alone does not predict it.
 *
 * <p>Untrusted input: the file is opened like an image (regular files only, without blocking), only
 * headers and notes are read (a few KiB at most, whatever the file claims), and anything that is not a
 * well-formed ELF file simply has no build-id.
 */
public final class ElfBuildId {
    private static final int PT_NOTE = 4, NT_GNU_BUILD_ID = 3;
    /** More program headers than this is not a real executable or library. */
    private static final int MAX_PHDRS = 256;
    /** A note segment longer than this is not read (build-id notes are 36 bytes; all notes of a binary a few hundred). */
    private static final int MAX_NOTES = 64 << 10;

    private ElfBuildId() {}

    /**
     * The build-id of the file at {@code path} in lower-case hex, or empty when it is not an ELF file
     * or has none. A last link in the path is followed only if {@code followLink}.
     *
     * @throws ImageFormatException when the path cannot be opened or is not a regular file
     */
    public static Optional<String> of(Path path, boolean followLink) throws IOException, ImageFormatException {
        try (RegularFileInput in = RegularFileInput.open(path, followLink)) {
            return of(in);
        }
    }

    /** As {@link #of(Path, boolean)}, on a file already open (positional reads: the stream does not move). */
    public static Optional<String> of(RegularFileInput in) throws IOException {
        byte[] head = new byte[64];
        int n = in.readAt(0, head, head.length);
        if (n < 52 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') return Optional.empty();
        boolean wide = head[4] == 2;
        if (!wide && head[4] != 1) return Optional.empty();
        ByteOrder order = head[5] == 2 ? ByteOrder.BIG_ENDIAN : head[5] == 1 ? ByteOrder.LITTLE_ENDIAN : null;
        if (order == null || (wide && n < 64)) return Optional.empty();
        ByteBuffer h = ByteBuffer.wrap(head, 0, n).order(order);
        long phoff = wide ? h.getLong(0x20) : Integer.toUnsignedLong(h.getInt(0x1c));
        int phentsize = Short.toUnsignedInt(h.getShort(wide ? 0x36 : 0x2a));
        int phnum = Short.toUnsignedInt(h.getShort(wide ? 0x38 : 0x2c));
        int minEntry = wide ? 56 : 32;
        long size = in.size();
        if (phnum == 0 || phnum > MAX_PHDRS || phentsize < minEntry || phoff <= 0 || phoff > size
                || (long) phentsize * phnum > size - phoff) return Optional.empty();
        byte[] table = new byte[phentsize * phnum];
        if (in.readAt(phoff, table, table.length) != table.length) return Optional.empty();
        ByteBuffer t = ByteBuffer.wrap(table).order(order);
        for (int i = 0; i < phnum; i++) {
            int at = i * phentsize;
            if (t.getInt(at) != PT_NOTE) continue;
            long off = wide ? t.getLong(at + 8) : Integer.toUnsignedLong(t.getInt(at + 4));
            long len = wide ? t.getLong(at + 32) : Integer.toUnsignedLong(t.getInt(at + 16));
            if (off < 0 || len <= 0 || len > MAX_NOTES || off > size || len > size - off) continue;
            byte[] notes = new byte[(int) len];
            if (in.readAt(off, notes, notes.length) != notes.length) continue;
            Optional<String> id = buildIdNote(ByteBuffer.wrap(notes).order(order));
            if (id.isPresent()) return id;
        }
        return Optional.empty();
    }

    /** Walks one note segment: namesz, descsz, type, then the name and the descriptor, each padded to 4 bytes. */
    private static Optional<String> buildIdNote(ByteBuffer b) {
        int p = 0, end = b.limit();
        while (end - p >= 12) {
            long namesz = Integer.toUnsignedLong(b.getInt(p)), descsz = Integer.toUnsignedLong(b.getInt(p + 4));
            int type = b.getInt(p + 8);
            long name = p + 12L, desc = name + pad4(namesz), next = desc + pad4(descsz);
            if (next > end) return Optional.empty();
            if (type == NT_GNU_BUILD_ID && namesz == 4 && descsz > 0 && b.get((int) name) == 'G' && b.get((int) name + 1) == 'N'
                    && b.get((int) name + 2) == 'U' && b.get((int) name + 3) == 0) {
                byte[] id = new byte[(int) descsz];
                b.get((int) desc, id);
                return Optional.of(HexFormat.of().formatHex(id));
            }
            p = (int) next;
        }
        return Optional.empty();
    }

    private static long pad4(long n) {
        return (n + 3) & ~3L;
    }
}
