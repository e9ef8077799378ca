package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.trust.Credentials;
import org.criuatlas.bridge.trust.FileTrust;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a restore as root may use an image folder. CRIU restores whatever the images say, as root:
 * a folder another user could have written is code that user gets to run as root. So the folder,
 * every image in it and every folder above it must belong to root or to the user who asked for the
 * restore, and none may be writable by others (a folder above may be, when it is sticky like /tmp);
 * a folder carrying the incomplete-dump marker is refused too. A refusal lists every finding; the
 * user may still go on after reading them (CLI {@code --trust-folder}, the window's confirm panel).
 * Not root: nothing to gate (criu then cannot do more than the user can).
 */
public final class RestoreGate {
    /** Findings of one kind are listed up to this many; the rest are counted. */
    static final int LIST_AT_MOST = 8;

    public enum Concern {
        /** The folder, an image or a folder above belongs to another user. */
        FOREIGN_OWNER,
        /** Users other than the owner may write it. */
        WRITABLE_BY_OTHERS,
        /** An image is a link, FIFO, device or folder instead of a plain file. */
        NOT_A_PLAIN_FILE,
        /** The folder holds the mark of a dump that did not finish. */
        INCOMPLETE_DUMP,
        /** The folder could not be examined. */
        UNREADABLE,
        /** Something is already where a new file is to be written. */
        ALREADY_THERE
    }

    /** One reason not to trust the folder. */
    public record Finding(Concern concern, Path path, String why) {}

    /** The gate's answer for one folder, for one requesting user. */
    public record Verdict(Path folder, int requestingUid, List<Finding> findings) {
        public Verdict {
            findings = List.copyOf(findings);
        }

        public boolean trusted() { return findings.isEmpty(); }

        /** Whether a finding of {@code c} is among them. */
        public boolean has(Concern c) { return findings.stream().anyMatch(f -> f.concern() == c); }

        /** These findings without those of {@code c} (e.g. the incomplete mark that a {@code --force} already accepted). */
        public Verdict without(Concern c) {
            return new Verdict(folder, requestingUid, findings.stream().filter(f -> f.concern() != c).toList());
        }

        /** One line per finding (at most {@link #LIST_AT_MOST} of a kind, then a count). */
        public List<String> reasons() {
            List<String> out = new ArrayList<>();
            for (Concern c : Concern.values()) {
                List<Finding> of = findings.stream().filter(f -> f.concern() == c).toList();
                of.stream().limit(LIST_AT_MOST).forEach(f -> out.add(f.why()));
                if (of.size() > LIST_AT_MOST) out.add("… and " + (of.size() - LIST_AT_MOST) + " more like that");
            }
            return out;
        }

        /** A paragraph for a message: what is wrong and why it matters. */
        public String explain() {
            return "Restoring " + folder + " as root would run whatever its images say as root, and the folder is not"
                    + " trusted: " + String.join("; ", reasons()) + ".";
        }
    }

    private RestoreGate() {}

    /** The gate for this process: gates only when it runs as root, for the user who asked ({@link Credentials#requestingUid()}). */
    public static Verdict check(Path folder) {
        if (Credentials.effectiveUid() != 0) return new Verdict(folder, Credentials.realUid(), List.of());
        return check(folder, Credentials.requestingUid());
    }

    /** The gate as root for {@code requestingUid} (root and that user are trusted owners). Reads the file system. */
    public static Verdict check(Path folder, int requestingUid) {
        Path abs = folder.toAbsolutePath().normalize();
        List<Finding> out = new ArrayList<>();
        Path real = resolve(abs, out);
        if (real == null) return new Verdict(abs, requestingUid, out);
        // the folders above: whoever may rename one of them could swap the images under the restore
        foldersAbove(real, requestingUid, out);
        // a link on the way there counts by its owner (its target is judged above)
        links(abs, requestingUid, false, out);
        owner(real, "the folder", requestingUid, false, out);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(real)) {
            for (Path f : s) {
                String name = f.getFileName().toString();
                if (name.equals(CriuSession.INCOMPLETE_MARKER)) {
                    out.add(new Finding(Concern.INCOMPLETE_DUMP, f, "it holds an incomplete dump (" + name
                            + "): the dump that wrote it did not finish"));
                    continue;
                }
                FileTrust.Facts facts = lstat(f, out);
                if (facts == null) continue;
                if (!facts.isRegularFile()) {
                    out.add(new Finding(Concern.NOT_A_PLAIN_FILE, f, name + " is " + (facts.isLink() ? "a symbolic link"
                            : facts.isDirectory() ? "a folder" : "not a plain file") + " (CRIU writes plain files only)"));
                }
                // the same lstat judges the owner: one a file (a 1,000-process dump has ~5,000 files)
                owner(f, facts, name, requestingUid, false, out);
            }
        } catch (IOException e) {
            out.add(new Finding(Concern.UNREADABLE, real, "cannot list " + real + ": " + e.getMessage()));
        }
        return new Verdict(abs, requestingUid, out);
    }

    /**
     * The gate for one file root would read and act on (a container checkpoint archive podman imports): the file is a
     * plain file of root or {@code requestingUid} that nobody else can write, and so are the real folders above it (a
     * sticky folder such as /tmp counts as safe above it). A link on the way is judged by its owner and by the folder
     * that holds it (whoever may write there may swap the link). The verdict names the real path: act on that one.
     */
    public static Verdict checkFile(Path file, int requestingUid) {
        Path abs = file.toAbsolutePath().normalize();
        List<Finding> out = new ArrayList<>();
        Path real = resolve(abs, out);
        if (real == null) return new Verdict(abs, requestingUid, out);
        foldersAbove(real, requestingUid, out);
        links(abs, requestingUid, true, out);
        FileTrust.Facts facts = lstat(real, out);
        if (facts != null) {
            if (!facts.isRegularFile()) out.add(new Finding(Concern.NOT_A_PLAIN_FILE, real, real + " is not a plain file"));
            owner(real, facts, real.toString(), requestingUid, false, out);
        }
        return new Verdict(real, requestingUid, out);
    }

    /**
     * The gate for a new file root creates and then gives to {@code requestingUid} (a checkpoint archive podman exports):
     * nothing is there yet, and its real folder is a real folder of that user (of root only when the user is root) that
     * nobody else can write: never a system folder, where a file given to a user would hand them root. The real folders
     * above and the links on the way are judged as for {@link #checkFile}. The verdict names the real path: act on that one.
     */
    public static Verdict checkNewFile(Path file, int requestingUid) {
        Path abs = file.toAbsolutePath().normalize();
        List<Finding> out = new ArrayList<>();
        Path parent = abs.getParent();
        if (parent == null || abs.getFileName() == null) {
            out.add(new Finding(Concern.UNREADABLE, abs, abs + " is not a file in a folder"));
            return new Verdict(abs, requestingUid, out);
        }
        Path realParent = resolve(parent, out);
        if (realParent == null) return new Verdict(abs, requestingUid, out);
        Path real = realParent.resolve(abs.getFileName());
        if (Files.exists(real, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            out.add(new Finding(Concern.ALREADY_THERE, real, real + " is already there (a new file is never written over anything)"));
        }
        FileTrust.Facts facts = lstat(realParent, out);
        if (facts != null) {
            if (!facts.isDirectory()) out.add(new Finding(Concern.NOT_A_PLAIN_FILE, realParent, realParent + " is not a folder"));
            if (facts.uid() != requestingUid) {
                out.add(new Finding(Concern.FOREIGN_OWNER, realParent, "the folder " + realParent + " belongs to " + FileTrust.userName(facts.uid())
                        + " (uid " + facts.uid() + "), not to " + FileTrust.userName(requestingUid) + ", who asked"));
            }
            if (facts.writableByOthers()) {
                out.add(new Finding(Concern.WRITABLE_BY_OTHERS, realParent, "the folder " + realParent + " is writable by other users (mode "
                        + facts.modeOctal() + ")"));
            }
        }
        foldersAbove(realParent, requestingUid, out);
        links(parent, requestingUid, true, out);
        return new Verdict(real, requestingUid, out);
    }

    /** {@code p}'s real path, or null with an UNREADABLE finding when it cannot be resolved. */
    private static Path resolve(Path p, List<Finding> out) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            out.add(new Finding(Concern.UNREADABLE, p, "cannot resolve " + p + ": " + e.getMessage()));
            return null;
        }
    }

    /** The folders above {@code real}: whoever may rename one of them could swap what is below (a sticky one is safe). */
    private static void foldersAbove(Path real, int requestingUid, List<Finding> out) {
        for (Path p = real.getParent(); p != null; p = p.getParent()) owner(p, "the folder above, " + p + ",", requestingUid, true, out);
    }

    /**
     * Each link on the way to {@code abs}, by its owner (its target is judged with the real path); with {@code holders}
     * also the real folder that holds it (whoever writes there may swap it; in a sticky folder only the link's owner may).
     */
    private static void links(Path abs, int requestingUid, boolean holders, List<Finding> out) {
        for (Path p = abs; p != null; p = p.getParent()) {
            if (!Files.isSymbolicLink(p)) continue;
            owner(p, "the link " + p, requestingUid, false, out);
            Path holder = p.getParent();
            if (!holders || holder == null) continue;
            Path realHolder = resolve(holder, out);
            if (realHolder != null) owner(realHolder, "the folder " + realHolder + ", which holds the link " + p + ",", requestingUid, true, out);
        }
    }

    private static void owner(Path p, String what, int requestingUid, boolean above, List<Finding> out) {
        FileTrust.Facts facts = lstat(p, out);
        if (facts != null) owner(p, facts, what, requestingUid, above, out);
    }

    /** {@code p}'s own facts (a link is not followed), or null with an UNREADABLE finding when they cannot be read. */
    private static FileTrust.Facts lstat(Path p, List<Finding> out) {
        try {
            return FileTrust.lstat(p);
        } catch (IOException e) {
            out.add(new Finding(Concern.UNREADABLE, p, "cannot examine " + p + ": " + e.getMessage()));
            return null;
        }
    }

    private static void owner(Path p, FileTrust.Facts facts, String what, int requestingUid, boolean above, List<Finding> out) {
        if (facts.uid() != 0 && facts.uid() != requestingUid) {
            out.add(new Finding(Concern.FOREIGN_OWNER, p, what + " belongs to " + FileTrust.userName(facts.uid())
                    + " (uid " + facts.uid() + "), not to root" + (requestingUid != 0 ? " or " + FileTrust.userName(requestingUid) : "")));
        }
        if (facts.writableByOthers() && !(above && facts.sticky())) {
            out.add(new Finding(Concern.WRITABLE_BY_OTHERS, p, what + " is writable by other users (mode " + facts.modeOctal() + ")"));
        }
    }
}
