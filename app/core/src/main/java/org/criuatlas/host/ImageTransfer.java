package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.trust.SafeFolders;
import org.criuatlas.bridge.trust.UnsafeFolderException;
import org.criuatlas.plan.restore.RestorePreviewer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This machine's side of moving a dump's images between hosts: lists and reads an image folder,
 * and receives one into a new 0700 folder (the only kind of folder it ever writes into: one it made
 * itself, remembered here, so a client cannot write anywhere else). Files are written with
 * {@code O_NOFOLLOW} semantics (created new, mode 0600, never through a link); a folder being received
 * holds the incomplete-dump marker until {@link #finish} has checked every file's size and SHA-256
 * against the source's list.
 */
public final class ImageTransfer {
    /** The most files an image folder may have for a transfer (CRIU writes a handful per process). */
    public static final int MAX_FILES = 1 << 16;

    private final Set<Path> receiving = ConcurrentHashMap.newKeySet();
    private final Map<Path, Object> fileLocks = new ConcurrentHashMap<>();

    /** What is at each path now, not following a last link (a socket file, a regular file with size and mtime). */
    public static Map<String, RestorePreviewer.LiveFile> stat(List<String> paths) {
        Map<String, RestorePreviewer.LiveFile> out = new LinkedHashMap<>();
        for (String p : paths) {
            RestorePreviewer.LiveFile f = LocalImages.liveFile(p);
            out.put(p, f.regular() ? f.withBuildId(LocalImages.buildId(p)) : f);
        }
        return out;
    }

    /** The regular files directly in {@code dir}, sorted by name, each with its size and SHA-256. Anything else in it is refused. */
    public static List<ImageFile> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(dir + " is not a folder");
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(p + " is not a regular file: an image folder to move holds regular files only");
                }
                files.add(p);
                if (files.size() > MAX_FILES) throw new IOException(dir + " holds more than " + MAX_FILES + " files");
            }
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        List<ImageFile> out = new ArrayList<>();
        for (Path p : files) out.add(new ImageFile(p.getFileName().toString(), Files.size(p), sha256(p)));
        return out;
    }

    /** Up to {@code length} bytes of {@code dir/name} from {@code offset}; fewer at the end of the file. */
    public static byte[] read(Path dir, String name, long offset, int length) throws IOException {
        Path f = inFolder(dir, name);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(f + " is not a regular file");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (offset >= size) return new byte[0];
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(length, size - offset));
            while (b.hasRemaining()) {
                int n = ch.read(b, offset + b.position());
                if (n < 0) break;
            }
            return b.position() == b.capacity() ? b.array() : java.util.Arrays.copyOf(b.array(), b.position());
        }
    }

    /** A new folder under {@code parent} (the default dumps folder when null), made 0700 and marked incomplete. */
    public Path receive(Path parent, int rootPid, LocalDateTime at) throws IOException {
        Path p = parent != null ? parent : Path.of(System.getProperty("user.home"), "criu-atlas-dumps");
        Path dir = ImagesFolder.newSubFolder(p, rootPid, at);
        dir = dir.resolveSibling(dir.getFileName() + "-moved");
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) dir = ImagesFolder.nextAttempt(dir);
        try {
            dir = ImagesFolder.prepare(dir);
        } catch (ImagesFolder.NotUsable e) {
            throw new IOException(e.getMessage(), e);
        }
        SafeFolders.writeMarker(dir, CriuSession.INCOMPLETE_MARKER, "being received from another host\n");
        receiving.add(dir);
        return dir;
    }

    /** Writes {@code data} at {@code offset} of {@code name} in a folder {@link #receive} made (and has not finished). */
    public void write(Path folder, String name, long offset, byte[] data) throws IOException {
        Path dir = receivingFolder(folder);
        Path f = inFolder(dir, name);
        if (name.equals(CriuSession.INCOMPLETE_MARKER)) throw new IllegalArgumentException("the marker is not an image file");
        Object lock = fileLocks.computeIfAbsent(f, k -> new Object());
        FileChannel ch;
        synchronized (lock) {
            // the first chunk creates the file (new, 0600, never through a link); later ones only open it
            if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                Set<java.nio.file.OpenOption> create = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                ch = FileChannel.open(f, create, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) throw new IOException(f + " is not a regular file");
                ch = FileChannel.open(f, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            }
        }
        try (ch) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) ch.write(b, offset + b.position());
        }
    }

    /**
     * Checks {@code folder} against the source's list: exactly these files, each of its size and SHA-256.
     * Then removes the incomplete mark and forgets the folder (nothing more is written into it).
     *
     * @return the files as received
     * @throws IOException naming every file that is missing, extra or different (the mark stays)
     */
    public List<ImageFile> finish(Path folder, List<ImageFile> expected) throws IOException {
        Path dir = receivingFolder(folder);
        Map<String, ImageFile> want = new LinkedHashMap<>();
        for (ImageFile f : expected) {
            inFolder(dir, f.name());
            want.put(f.name(), f);
        }
        List<ImageFile> got = new ArrayList<>();
        for (ImageFile f : list(dir)) if (!f.name().equals(CriuSession.INCOMPLETE_MARKER)) got.add(f);
        List<String> wrong = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (ImageFile g : got) {
            seen.add(g.name());
            ImageFile w = want.get(g.name());
            if (w == null) wrong.add(g.name() + " was not sent");
            else if (w.size() != g.size()) wrong.add(g.name() + " is " + g.size() + " bytes, the source's " + w.size());
            else if (!w.sha256().equalsIgnoreCase(g.sha256())) wrong.add(g.name() + ": SHA-256 " + g.sha256() + " here, " + w.sha256() + " at the source");
        }
        for (String n : want.keySet()) if (!seen.contains(n)) wrong.add(n + " is missing");
        if (!wrong.isEmpty()) {
            throw new IOException("the images received in " + dir + " differ from the source's: " + String.join("; ",
                    wrong.subList(0, Math.min(wrong.size(), 10))) + (wrong.size() > 10 ? " and " + (wrong.size() - 10) + " more" : ""));
        }
        Files.deleteIfExists(dir.resolve(CriuSession.INCOMPLETE_MARKER));
        receiving.remove(dir);
        fileLocks.keySet().removeIf(p -> p.startsWith(dir));
        return got;
    }

    private Path receivingFolder(Path folder) throws IOException {
        Path dir = folder.toAbsolutePath().normalize();
        if (!receiving.contains(dir)) {
            throw new SecurityException(dir + " is not a folder this host made to receive images (receive first)");
        }
        try {
            SafeFolders.checkOwnFolder(dir);
        } catch (UnsafeFolderException e) {
            throw new SecurityException(e.getMessage(), e);
        }
        return dir;
    }

    /** {@code dir/name} for one plain name (no '/', not '.' or '..'). */
    static Path inFolder(Path dir, String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\0") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("\"" + name + "\" is not one file name");
        }
        return dir.resolve(name);
    }

    static String sha256(Path f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = in.read(b)) > 0) md.update(b, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
