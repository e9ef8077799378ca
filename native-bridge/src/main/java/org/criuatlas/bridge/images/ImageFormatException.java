package org.criuatlas.bridge.images;

import java.nio.file.Path;

/**
 * A CRIU image directory, image file or checkpoint archive that cannot be read as a dump: names
 * the file (for an archive: the archive, or the member as ARCHIVE/checkpoint/NAME), the byte offset
 * and what was expected there. Every failure of {@link ImageReader} is one of these; nothing else
 * escapes (bad input never crashes the caller).
 */
public final class ImageFormatException extends Exception {
    /** What went wrong, for callers that react differently (e.g. "not a dump" vs "damaged dump"). */
    public enum Kind {
        /** The directory has no inventory.img, or is not a directory at all. */
        NOT_A_DUMP,
        /** An image the dump needs is absent. */
        MISSING_IMAGE,
        /** The file ends in the middle of a magic word, a length word, an entry or a raw payload. */
        TRUNCATED,
        /** The magic words are not the ones this image must start with. */
        BAD_MAGIC,
        /** A length field claims more bytes than the file has left (checked before allocating). */
        BAD_LENGTH,
        /** The entry bytes are not a valid protobuf message. */
        BAD_PROTOBUF,
        /** The entry parsed but lacks a field the dump cannot do without, or contradicts another image. */
        INCONSISTENT,
        /** The image is from a CRIU too old (or too new) to read. */
        UNSUPPORTED_VERSION,
        /** Reading the file failed (permissions, I/O error). */
        IO,
        /** The name is a symlink, FIFO, device, socket or directory where a regular file must be (never followed or read). */
        NOT_REGULAR_FILE,
        /** The input holds more entries or bytes than a read may keep ({@link ImageReadControl.Limits}). */
        LIMIT_EXCEEDED,
        /** {@link ImageReadControl#cancel()} was called. */
        CANCELLED,
        /** A checkpoint archive whose compressed stream or tar headers are damaged. */
        CORRUPT_ARCHIVE,
        /** A tar member that would land outside the archive's folder: an absolute path, "..", or a link that escapes. */
        UNSAFE_ENTRY,
        /** An archive compressed in a way this reader does not decode (podman writes zstd, gzip or none). */
        UNSUPPORTED_FORMAT
    }

    private final Kind kind;
    private final String file;
    private final long offset;

    public ImageFormatException(Kind kind, Path file, long offset, String message) {
        this(kind, file, offset, message, null);
    }

    public ImageFormatException(Kind kind, Path file, long offset, String message, Throwable cause) {
        super(format(file, offset, message), cause);
        this.kind = kind;
        this.file = file == null ? "" : file.toString();
        this.offset = offset;
    }

    private static String format(Path file, long offset, String message) {
        String where = file == null ? "" : file.getFileName() == null ? file.toString() : file.getFileName().toString();
        return offset >= 0 ? where + " at byte " + offset + ": " + message : where + ": " + message;
    }

    public Kind kind() { return kind; }

    /** The path of the image (or directory) concerned. */
    public String file() { return file; }

    /** The byte offset in {@link #file()} where the problem is, -1 when it concerns the whole file. */
    public long offset() { return offset; }
}
