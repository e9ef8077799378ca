package org.criuatlas.bridge.images;

import com.google.protobuf.InvalidProtocolBufferException;
import org.criuatlas.bridge.images.proto.CriuImages.FileEntry;
import org.criuatlas.bridge.images.proto.CriuImages.InetSkEntry;

import java.nio.file.Path;
import java.util.Collection;

/**
 * The options a restore of a dump must be given because of what the dump holds, read from its images.
 * Measured with CRIU 4.2.1 on this machine (2026-12-06):
 * <ul>
 *   <li>a TCP connection dumped with {@code --tcp-established} (its socket in files.img in a connected
 *       state) fails a restore without {@code --tcp-established}: "inet: Connected TCP socket in image"
 *       (criu/sk-inet.c:912);</li>
 *   <li>a file lock dumped with {@code --file-locks} (an entry in filelocks.img) is <em>silently dropped</em>
 *       by a restore without {@code --file-locks}: CRIU exits 0 and /proc/locks has no lock for the
 *       restored process.</li>
 * </ul>
 *
 * @param connectedTcp TCP sockets in a connected state (neither listening nor closed)
 * @param fileLocks    entries of filelocks.img
 */
public record RestoreFlags(int connectedTcp, int fileLocks) {
    public static final RestoreFlags NONE = new RestoreFlags(0, 0);
    static final int IPPROTO_TCP = 6, TCP_CLOSE = 7, TCP_LISTEN = 10;

    public boolean needsTcpEstablished() { return connectedTcp > 0; }

    public boolean needsFileLocks() { return fileLocks > 0; }

    /** Plain words for each flag the images ask for (empty when none). */
    public java.util.List<String> reasons() {
        java.util.List<String> l = new java.util.ArrayList<>(2);
        if (needsTcpEstablished()) l.add(connectedTcp + " established TCP connection" + (connectedTcp == 1 ? " was" : "s were")
                + " dumped: restored with --tcp-established (without it CRIU fails: \"Connected TCP socket in image\")");
        if (needsFileLocks()) l.add(fileLocks + " file lock" + (fileLocks == 1 ? " was" : "s were")
                + " dumped: restored with --file-locks (without it CRIU restores the tree without its locks, and says nothing)");
        return l;
    }

    /** From the files.img entries the reader has read and filelocks.img. */
    static RestoreFlags read(ImageSource src, ImageReadControl control, Collection<ImageFile.Entry<FileEntry>> files)
            throws ImageFormatException {
        int tcp = 0;
        for (ImageFile.Entry<FileEntry> e : files) {
            if (!e.message().hasIsk()) continue;
            InetSkEntry s = e.message().getIsk();
            if (s.getProto() == IPPROTO_TCP && s.getState() != TCP_LISTEN && s.getState() != TCP_CLOSE) tcp++;
        }
        int locks = src.readAll("filelocks.img", control, ImageMagic.COMMON, ImageMagic.FILE_LOCKS, RestoreFlags::length,
                null, null, true).size();
        return new RestoreFlags(tcp, locks);
    }

    /** Reads only what the flags need from the image directory {@code dir} (files.img and filelocks.img). */
    public static RestoreFlags of(Path dir) throws ImageFormatException {
        ImageReadControl control = new ImageReadControl();
        try (ImageDirectory src = ImageDirectory.open(dir)) {
            var files = src.readAll("files.img", control, ImageMagic.COMMON, ImageMagic.FILES, FileEntry.parser()::parseFrom,
                    null, null, true);
            return read(src, control, files);
        }
    }

    private static Integer length(byte[] buf, int off, int len) throws InvalidProtocolBufferException {
        return len;
    }
}
