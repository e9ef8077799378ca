package org.criuatlas.bridge.trust;

import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one routine that makes image folders, on real folders: modes and owners read back with
 * {@code stat(1)} (not through the code under test), a foreign owner made with {@code chown nobody}.
 */
class SafeFoldersTest {
    private Path tmp;

    @BeforeEach
    void folder(TestInfo info) throws IOException {
        tmp = Path.of("target", "trust-tests", "safe-folders", info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        if (Files.exists(tmp)) try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Files.createDirectories(tmp);
    }

    /** {@code stat -c FORMAT path} (no link followed). */
    static String stat(String format, Path p) throws Exception {
        Process pr = new ProcessBuilder("stat", "-c", format, p.toString()).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes()).trim();
        assertEquals(0, pr.waitFor(), out);
        return out;
    }

    static void run(String... cmd) throws Exception {
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes());
        assertEquals(0, pr.waitFor(), List.of(cmd) + ": " + out);
    }

    @Test
    void aNewFolderIs0700AndOwnedByTheCallerWhateverTheUmaskAndItsParentsAreMade() throws Exception {
        Path f = SafeFolders.prepareDumpFolder(tmp.resolve("a/b/dump"));
        assertEquals("700 " + Credentials.effectiveUid(), stat("%a %u", f));
        assertTrue(Files.isDirectory(tmp.resolve("a/b")));
    }

    @Test
    void anExistingFolderOfOursIsNarrowedTo0700() throws Exception {
        Path f = Files.createDirectory(tmp.resolve("mine"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        SafeFolders.prepareDumpFolder(f);
        assertEquals("700", stat("%a", f));
    }

    @Test
    void aFolderOwnedByNobodyIsRefused() throws Exception {
        Requirements.requireRoot(); // chown to another user
        Path f = Files.createDirectory(tmp.resolve("theirs"));
        run("chown", "nobody", f.toString());
        UnsafeFolderException e = assertThrows(UnsafeFolderException.class, () -> SafeFolders.prepareDumpFolder(f));
        assertEquals(UnsafeFolderException.Reason.FOREIGN_OWNER, e.reason());
        assertTrue(e.getMessage().contains("belongs to nobody (uid 65534)"), e.getMessage());
        assertEquals("nobody 755", stat("%U %a", f), "nothing was changed");
        assertFalse(Files.exists(f.resolve(".criu-atlas-incomplete")));
    }

    @Test
    void aPremade0777FolderIsRefused() throws Exception {
        Path f = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxrwxrwx"));
        UnsafeFolderException e = assertThrows(UnsafeFolderException.class, () -> SafeFolders.prepareDumpFolder(f));
        assertEquals(UnsafeFolderException.Reason.WRITABLE_BY_OTHERS, e.reason());
        assertTrue(e.getMessage().contains("mode 0777"), e.getMessage());
        assertEquals("777", stat("%a", f), "left as it was");
        // group-writable counts as well
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxrwx---"));
        assertEquals(UnsafeFolderException.Reason.WRITABLE_BY_OTHERS,
                assertThrows(UnsafeFolderException.class, () -> SafeFolders.prepareDumpFolder(f)).reason());
    }

    @Test
    void aSymlinkIsRefusedAndItsTargetUntouched() throws Exception {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        UnsafeFolderException e = assertThrows(UnsafeFolderException.class, () -> SafeFolders.prepareDumpFolder(link));
        assertEquals(UnsafeFolderException.Reason.SYMLINK, e.reason());
        assertEquals("755", stat("%a", target));
        // a link to nowhere is no folder to make either
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
        assertEquals(UnsafeFolderException.Reason.SYMLINK,
                assertThrows(UnsafeFolderException.class, () -> SafeFolders.prepareDumpFolder(dangling)).reason());
        assertFalse(Files.exists(tmp.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theMarkerIsNeverWrittenThroughASymlink() throws Exception {
        Path f = SafeFolders.prepareDumpFolder(tmp.resolve("dump"));
        Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
        Files.createSymbolicLink(f.resolve(".criu-atlas-incomplete"), victim);
        UnsafeFolderException e = assertThrows(UnsafeFolderException.class,
                () -> SafeFolders.writeMarker(f, ".criu-atlas-incomplete", "x"));
        assertEquals(UnsafeFolderException.Reason.MARKER_NOT_A_FILE, e.reason());
        assertEquals("precious\n", Files.readString(victim));
        // a dangling link (to a file an attacker would like created) is not followed either
        Files.delete(f.resolve(".criu-atlas-incomplete"));
        Path wished = tmp.resolve("created-by-root");
        Files.createSymbolicLink(f.resolve(".criu-atlas-incomplete"), wished);
        assertThrows(UnsafeFolderException.class, () -> SafeFolders.writeMarker(f, ".criu-atlas-incomplete", "x"));
        assertFalse(Files.exists(wished, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theMarkerIsANew0600FileAndAnOldOneIsReplaced() throws Exception {
        Path f = SafeFolders.prepareDumpFolder(tmp.resolve("dump"));
        Path m = SafeFolders.writeMarker(f, ".criu-atlas-incomplete", "first\n");
        assertEquals("600 regular file", stat("%a %F", m));
        SafeFolders.writeMarker(f, ".criu-atlas-incomplete", "second\n");
        assertEquals("second\n", Files.readString(m));
    }

    @Test
    void somethingThatIsNotAFolderIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertEquals(UnsafeFolderException.Reason.NOT_A_FOLDER,
                assertThrows(UnsafeFolderException.class, () -> SafeFolders.prepareDumpFolder(file)).reason());
    }
}
