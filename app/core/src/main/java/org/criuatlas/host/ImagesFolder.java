package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.trust.SafeFolders;
import org.criuatlas.bridge.trust.UnsafeFolderException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * The rules for an images folder: a dump only goes into a new folder (created 0700: images hold the
 * processes' memory) or an empty one. A folder with anything in it is never written into and
 * nothing is ever deleted; the user chooses another folder or a new sub-folder instead.
 */
public final class ImagesFolder {
    public static final Set<PosixFilePermission> OWNER_ONLY = SafeFolders.OWNER_ONLY;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ImagesFolder() {}

    /** Looks at {@code folder} (reads the file system; run it off the FX thread). */
    public static FolderCheck check(Path folder) {
        if (folder == null) return FolderCheck.NONE;
        Path f = folder.toAbsolutePath().normalize();
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            Path existing = f.getParent();
            while (existing != null && !Files.exists(existing)) existing = existing.getParent();
            if (existing != null && !Files.isDirectory(existing))
                return new FolderCheck(f, FolderCheck.Status.NOT_USABLE, existing + " is a file, so no folder can be made under it.");
            if (existing != null && !Files.isWritable(existing))
                return new FolderCheck(f, FolderCheck.Status.NOT_USABLE, "No permission to create a folder in " + existing + ".");
            return new FolderCheck(f, FolderCheck.Status.WILL_CREATE,
                    "A new folder will be created (readable by its owner only).");
        }
        if (Files.isSymbolicLink(f))
            return new FolderCheck(f, FolderCheck.Status.NOT_USABLE, f + " is a symbolic link; choose the real folder.");
        if (!Files.isDirectory(f))
            return new FolderCheck(f, FolderCheck.Status.NOT_USABLE, f + " is a file, not a folder.");
        try {
            SafeFolders.checkOwnFolder(f);
        } catch (UnsafeFolderException e) {
            return new FolderCheck(f, FolderCheck.Status.NOT_USABLE, e.getMessage() + ".");
        } catch (IOException e) {
            return new FolderCheck(f, FolderCheck.Status.NOT_USABLE, "Cannot read " + f + ": " + e.getMessage());
        }
        int count = 0;
        boolean dump = false, incomplete = false;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(f)) {
            for (Path p : s) {
                count++;
                String n = p.getFileName().toString();
                if (n.equals("inventory.img")) dump = true;
                if (n.equals(CriuSession.INCOMPLETE_MARKER)) incomplete = true;
            }
        } catch (IOException e) {
            return new FolderCheck(f, FolderCheck.Status.NOT_USABLE, "Cannot read " + f + ": " + e.getMessage());
        }
        if (count == 0) {
            if (!Files.isWritable(f)) return new FolderCheck(f, FolderCheck.Status.NOT_USABLE, "No permission to write into " + f + ".");
            return new FolderCheck(f, FolderCheck.Status.EMPTY, "The folder is empty and will receive the images.");
        }
        String what = incomplete ? "the images of a dump that did not finish"
                : dump ? "the images of an earlier dump"
                : count + (count == 1 ? " file" : " files");
        return new FolderCheck(f, FolderCheck.Status.NOT_EMPTY,
                "The folder already holds " + what + ". Nothing in it will be overwritten: choose another folder or use a new sub-folder.");
    }

    /**
     * Makes {@code folder} ready: creates it 0700 if it does not exist, accepts it if it is empty.
     * Checks again right before (the folder may have changed since it was chosen).
     *
     * @throws NotUsable when the folder is not new or empty (nothing is touched then)
     */
    public static Path prepare(Path folder) throws IOException {
        FolderCheck c = check(folder);
        if (!c.usable()) throw new NotUsable(c);
        Path f = c.folder();
        try {
            // the one routine that makes image folders: new and 0700, or an empty one of ours nobody else can write into
            SafeFolders.prepareDumpFolder(f);
        } catch (UnsafeFolderException e) {
            throw new NotUsable(new FolderCheck(f, FolderCheck.Status.NOT_USABLE, e.getMessage() + "."));
        }
        if (c.status() == FolderCheck.Status.WILL_CREATE) {
            // made meanwhile by someone else: only go on if it is still empty
            FolderCheck again = check(f);
            if (!again.usable()) throw new NotUsable(again);
        }
        return f;
    }

    /** A name for a new sub-folder of {@code parent} that does not exist yet: {@code dump-<root>-<time>}. */
    public static Path newSubFolder(Path parent, int root, LocalDateTime now) {
        String base = "dump-" + (root > 0 ? root + "-" : "") + STAMP.format(now);
        return unused(parent.toAbsolutePath().normalize().resolve(base));
    }

    /**
     * The folder for the next attempt after a failed one: a sibling {@code NAME-2}, {@code NAME-3}...
     * The failed attempt's folder keeps its incomplete mark and is left as it is.
     */
    public static Path nextAttempt(Path failed) {
        Path f = failed.toAbsolutePath().normalize();
        String name = f.getFileName().toString().replaceFirst("-\\d{1,3}$", "");
        Path parent = f.getParent();
        for (int i = 2; ; i++) {
            Path p = parent.resolve(name + "-" + i);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return p;
        }
    }

    /** Total size of the regular files under {@code folder} (bytes). */
    public static long sizeOnDisk(Path folder) throws IOException {
        // one lstat a file (the walk's own attributes), not three: a 1,000-process dump has ~5,000 files and this is on
        // the way to its outcome
        long[] sum = {0};
        Files.walkFileTree(folder, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes a) {
                if (a.isRegularFile()) sum[0] += a.size();
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                if (p.equals(folder)) throw e;
                return java.nio.file.FileVisitResult.CONTINUE; // gone meanwhile: counts as 0
            }
        });
        return sum[0];
    }

    private static Path unused(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return p;
        for (int i = 2; ; i++) {
            Path q = p.resolveSibling(p.getFileName() + "-" + i);
            if (!Files.exists(q, LinkOption.NOFOLLOW_LINKS)) return q;
        }
    }

    /** The folder cannot take a dump; {@link #check()} says why. */
    public static final class NotUsable extends IOException {
        private final FolderCheck check;

        public NotUsable(FolderCheck check) {
            super(check.message());
            this.check = check;
        }

        public FolderCheck check() {
            return check;
        }
    }
}
