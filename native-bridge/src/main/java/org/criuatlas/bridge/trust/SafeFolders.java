package org.criuatlas.bridge.trust;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The one routine that makes image folders. Images hold the dumped processes' memory, so a dump
 * folder is new, 0700 and owned by this process's effective user. An existing folder is accepted
 * only when it is a real folder (not a link) of that user that nobody else can write into; its
 * permissions are then narrowed to 0700. The incomplete-dump marker is created with
 * {@code O_CREAT|O_EXCL|O_NOFOLLOW}: never through a link, never over something that is there.
 */
public final class SafeFolders {
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> MARKER_MODE = PosixFilePermissions.fromString("rw-------");

    private SafeFolders() {}

    /**
     * Makes {@code folder} ready for a dump (its parents are created as needed, with the umask).
     *
     * @return the absolute, normalised folder
     * @throws UnsafeFolderException when an existing folder is a link, not a folder, someone else's or writable by others
     */
    public static Path prepareDumpFolder(Path folder) throws IOException {
        Path f = folder.toAbsolutePath().normalize();
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = f.getParent();
            if (parent != null) Files.createDirectories(parent);
            try {
                Files.createDirectory(f, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile by someone else: judged below like any existing folder
            }
        }
        checkOwnFolder(f);
        // the umask may have taken bits from the creation mode, or an existing folder of ours was wider
        Files.getFileAttributeView(f, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(OWNER_ONLY);
        return f;
    }

    /** Throws unless {@code f} is a real folder owned by this process's effective user and writable only by it. */
    public static void checkOwnFolder(Path f) throws IOException {
        if (Files.isSymbolicLink(f))
            throw new UnsafeFolderException(UnsafeFolderException.Reason.SYMLINK, f,
                    f + " is a symbolic link; dump into a real folder (links are never followed)");
        if (!Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS))
            throw new UnsafeFolderException(UnsafeFolderException.Reason.NOT_A_FOLDER, f, f + " is not a folder");
        FileTrust.Facts facts = FileTrust.lstat(f);
        int me = Credentials.effectiveUid();
        if (facts.uid() != me)
            throw new UnsafeFolderException(UnsafeFolderException.Reason.FOREIGN_OWNER, f,
                    f + " belongs to " + FileTrust.userName(facts.uid()) + " (uid " + facts.uid() + "), not to "
                            + FileTrust.userName(me) + "; a dump goes only into a folder of its own user");
        if (facts.writableByOthers())
            throw new UnsafeFolderException(UnsafeFolderException.Reason.WRITABLE_BY_OTHERS, f,
                    f + " is writable by other users (mode " + facts.modeOctal() + "); choose a folder only you can write into");
    }

    /**
     * Writes the marker {@code name} into {@code folder} with {@code text}: created new (mode 0600),
     * never through a link. A plain file of that name left by an earlier attempt is replaced; a link
     * or anything else there is refused.
     */
    public static Path writeMarker(Path folder, String name, String text) throws IOException {
        Path m = folder.resolve(name);
        if (Files.exists(m, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(m) || !Files.isRegularFile(m, LinkOption.NOFOLLOW_LINKS))
                throw new UnsafeFolderException(UnsafeFolderException.Reason.MARKER_NOT_A_FILE, m,
                        m + " is " + (Files.isSymbolicLink(m) ? "a symbolic link" : "not a plain file")
                                + "; the incomplete-dump marker is never written through it");
            Files.delete(m); // removes a link itself, never its target
        }
        try (SeekableByteChannel c = Files.newByteChannel(m,
                Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(MARKER_MODE))) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) c.write(b);
        }
        return m;
    }
}
