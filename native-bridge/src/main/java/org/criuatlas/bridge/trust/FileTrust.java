package org.criuatlas.bridge.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/** Owner and mode of a path as {@code lstat(2)} sees them (a link is described, never followed). */
public final class FileTrust {
    private static final int S_IWGRP = 0020, S_IWOTH = 0002, S_ISVTX = 01000;
    private static final int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000;

    private FileTrust() {}

    /** What the trust rules look at. */
    public record Facts(int uid, int mode) {
        public boolean isLink() { return (mode & S_IFMT) == S_IFLNK; }
        public boolean isDirectory() { return (mode & S_IFMT) == S_IFDIR; }
        public boolean isRegularFile() { return (mode & S_IFMT) == S_IFREG; }
        /** Group or others may write (a link's own mode says nothing and does not count). */
        public boolean writableByOthers() { return !isLink() && (mode & (S_IWGRP | S_IWOTH)) != 0; }
        /** The sticky bit: in such a folder only a file's owner may rename or remove it (/tmp). */
        public boolean sticky() { return (mode & S_ISVTX) != 0; }
        public String modeOctal() { return String.format("%04o", mode & 07777); }
    }

    public static Facts lstat(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        return new Facts((Integer) a.get("uid"), (Integer) a.get("mode"));
    }

    /** The home folder /etc/passwd gives {@code uid}, or null (a user only a network name service knows). */
    public static java.util.Optional<Path> home(int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", 7);
                if (f.length >= 6 && f[2].equals(Integer.toString(uid)) && f[5].startsWith("/")) return java.util.Optional.of(Path.of(f[5]));
            }
        } catch (IOException | RuntimeException ignored) {
            // unknown: the caller keeps its own default
        }
        return java.util.Optional.empty();
    }

    /** The user's name for messages ("uid N" when the name service does not know it). */
    public static String userName(int uid) {
        if (uid == 0) return "root";
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", 4);
                if (f.length >= 3 && f[2].equals(Integer.toString(uid))) return f[0];
            }
        } catch (IOException | RuntimeException ignored) {
            // the name is only for the message
        }
        return "uid " + uid;
    }
}
