package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;

import static org.junit.jupiter.api.Assertions.*;

/** The images-folder rules a host applies before a dump: only a new (made 0700) or empty folder; nothing else is touched. */
class ImagesFolderTest {
    @TempDir Path tmp;

    @Test
    void newFolderIsCreatedOwnerOnlyEvenUnderAWideUmask() throws Exception {
        Path f = tmp.resolve("a/b/images");
        FolderCheck c = ImagesFolder.check(f);
        assertEquals(FolderCheck.Status.WILL_CREATE, c.status());
        assertTrue(c.usable());
        Path made = ImagesFolder.prepare(f);
        assertEquals(f, made);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(FolderCheck.Status.EMPTY, ImagesFolder.check(f).status());
    }

    @Test
    void nonEmptyFolderIsRefusedAndLeftUntouched() throws Exception {
        Path f = Files.createDirectories(tmp.resolve("busy"));
        Path keep = Files.writeString(f.resolve("notes.txt"), "mine");
        FolderCheck c = ImagesFolder.check(f);
        assertEquals(FolderCheck.Status.NOT_EMPTY, c.status());
        assertTrue(c.needsChoice());
        assertFalse(c.usable());
        var e = assertThrows(ImagesFolder.NotUsable.class, () -> ImagesFolder.prepare(f));
        assertEquals(FolderCheck.Status.NOT_EMPTY, e.check().status());
        assertEquals("mine", Files.readString(keep));
        assertEquals(1, Files.list(f).count());

        Files.writeString(f.resolve("inventory.img"), "x");
        assertTrue(ImagesFolder.check(f).message().contains("earlier dump"), ImagesFolder.check(f).message());
        Files.writeString(f.resolve(CriuSession.INCOMPLETE_MARKER), "x");
        assertTrue(ImagesFolder.check(f).message().contains("did not finish"), ImagesFolder.check(f).message());
    }

    @Test
    void fileAndSymlinkAreNotUsable() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertEquals(FolderCheck.Status.NOT_USABLE, ImagesFolder.check(file).status());
        assertEquals(FolderCheck.Status.NOT_USABLE, ImagesFolder.check(file.resolve("under")).status());
        Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectory(tmp.resolve("real")));
        assertEquals(FolderCheck.Status.NOT_USABLE, ImagesFolder.check(link).status());
        assertEquals(FolderCheck.Status.NONE, ImagesFolder.check(null).status());
    }

    @Test
    void subFolderAndNextAttemptNamesNeverClash() throws Exception {
        LocalDateTime t = LocalDateTime.of(2025, 1, 2, 3, 4, 5);
        Path a = ImagesFolder.newSubFolder(tmp, 77, t);
        assertEquals("dump-77-20250102-030405", a.getFileName().toString());
        Files.createDirectory(a);
        assertEquals("dump-77-20250102-030405-2", ImagesFolder.newSubFolder(tmp, 77, t).getFileName().toString());
        assertEquals("dump-77-20250102-030405-2", ImagesFolder.nextAttempt(a).getFileName().toString());
        Files.createDirectory(tmp.resolve("dump-77-20250102-030405-2"));
        assertEquals("dump-77-20250102-030405-3", ImagesFolder.nextAttempt(tmp.resolve("dump-77-20250102-030405-2")).getFileName().toString());
    }

}
