package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.plan.restore.WiringFixtures;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The restore trust gate on real folders (owners set with {@code chown}, modes with chmod), and the
 * host's restore: a refused folder comes back as {@link RestoreResult.NeedsConfirmation} and criu (a
 * wrapper that records every start) is never started; confirmed, the restore goes on to criu.
 */
class RestoreGateHostTest {
    private static final int NOBODY = 65534;
    private Path tmp;
    private ExecutorService work;

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        Requirements.requireRoot(); // the gate guards restores as root; chown needs root
        tmp = Path.of("target", "trust-tests", "gate", info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        if (Files.exists(tmp)) try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Files.createDirectories(tmp);
        work = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() {
        if (work != null) work.shutdownNow();
    }

    static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), List.of(cmd) + ": " + out);
    }

    /** A folder shaped like a dump: root's, 0700, plain files 0644. */
    private Path images(String name) throws IOException {
        Path d = Files.createDirectory(tmp.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (String f : List.of("inventory.img", "pstree.img", "core-42.img", "pages-1.img")) {
            Files.write(d.resolve(f), new byte[] {1, 2, 3});
            Files.setPosixFilePermissions(d.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
        }
        return d;
    }

    @Test
    void rootsOwnFolderIsTrusted() throws Exception {
        RestoreGate.Verdict v = RestoreGate.check(images("ok"), 0);
        assertTrue(v.trusted(), v.reasons().toString());
    }

    @Test
    void aFolderOrAnImageOfNobodyIsRefusedUnlessNobodyAskedForTheRestore() throws Exception {
        Path d = images("theirs");
        exec("chown", "nobody", d.toString());
        RestoreGate.Verdict v = RestoreGate.check(d, 0);
        assertEquals(List.of(RestoreGate.Concern.FOREIGN_OWNER), v.findings().stream().map(RestoreGate.Finding::concern).toList());
        assertTrue(v.explain().contains("the folder belongs to nobody (uid 65534), not to root"), v.explain());
        assertTrue(RestoreGate.check(d, NOBODY).trusted(), "the requesting user's own folder is trusted");

        Path e = images("one-image");
        exec("chown", "nobody", e.resolve("core-42.img").toString());
        RestoreGate.Verdict w = RestoreGate.check(e, 1000);
        assertEquals(1, w.findings().size(), w.reasons().toString());
        assertEquals(e.resolve("core-42.img"), w.findings().get(0).path());
        assertTrue(w.reasons().get(0).contains("core-42.img belongs to nobody (uid 65534), not to root or uid 1000")
                || w.reasons().get(0).contains("not to root or "), w.reasons().toString());
    }

    @Test
    void writableByOthersIsRefusedForTheFolderAndEachImageButASticky1777FolderAboveIsFine() throws Exception {
        Path d = images("open");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(d.resolve("pstree.img"), PosixFilePermissions.fromString("rw-rw-rw-"));
        RestoreGate.Verdict v = RestoreGate.check(d, 0);
        assertEquals(2, v.findings().size(), v.reasons().toString());
        assertTrue(v.findings().stream().allMatch(f -> f.concern() == RestoreGate.Concern.WRITABLE_BY_OTHERS));
        assertTrue(v.explain().contains("mode 0777") && v.explain().contains("pstree.img is writable by other users (mode 0666)"), v.explain());

        // a folder above that others may write: they could swap the images; sticky (like /tmp) they cannot
        Path above = Files.createDirectory(tmp.resolve("above"));
        Files.move(images("inner"), above.resolve("inner"));
        exec("chmod", "0777", above.toString());
        RestoreGate.Verdict up = RestoreGate.check(above.resolve("inner"), 0);
        assertTrue(up.explain().contains("the folder above, " + above + ", is writable by other users"), up.explain());
        exec("chmod", "1777", above.toString());
        assertTrue(RestoreGate.check(above.resolve("inner"), 0).trusted());
    }

    @Test
    void theIncompleteMarkAndALinkedImageAreFindings() throws Exception {
        Path d = images("odd");
        Files.writeString(d.resolve(CriuSession.INCOMPLETE_MARKER), "x");
        Files.delete(d.resolve("pages-1.img"));
        Files.createSymbolicLink(d.resolve("pages-1.img"), Path.of("/etc/passwd"));
        RestoreGate.Verdict v = RestoreGate.check(d, 0);
        assertTrue(v.has(RestoreGate.Concern.INCOMPLETE_DUMP), v.reasons().toString());
        assertTrue(v.has(RestoreGate.Concern.NOT_A_PLAIN_FILE), v.reasons().toString());
        assertEquals(List.of(RestoreGate.Concern.NOT_A_PLAIN_FILE),
                v.without(RestoreGate.Concern.INCOMPLETE_DUMP).findings().stream().map(RestoreGate.Finding::concern).toList());
    }

    @Test
    void theHostAsksForConfirmationAndNeverStartsCriuThenGoesOnWhenConfirmed() throws Exception {
        Path starts = tmp.resolve("criu-starts.log");
        Path criu = tmp.resolve("criu");
        Files.writeString(criu, "#!/bin/sh\necho \"$*\" >> '" + starts + "'\nexit 1\n");
        Files.setPosixFilePermissions(criu, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path d = images("host");
        exec("chown", "-R", "nobody", d.toString());

        LocalHost host = new LocalHost(LocalHost.Parts.real(work).withCriu(criu, null, TargetProbe.PROC));
        RestoreRequest request = RestoreRequest.now(WiringFixtures.plan(d));
        RestoreResult r = host.restore(request, e -> { }).result().get(30, TimeUnit.SECONDS);
        RestoreResult.NeedsConfirmation ask = assertInstanceOf(RestoreResult.NeedsConfirmation.class, r);
        assertTrue(ask.verdict().has(RestoreGate.Concern.FOREIGN_OWNER));
        assertEquals(5, ask.verdict().findings().size(), "the folder and its four images: " + ask.verdict().reasons());
        assertFalse(Files.exists(starts), "criu was started");

        RestoreResult confirmed = host.restore(request.trusted(), e -> { }).result().get(60, TimeUnit.SECONDS);
        assertFalse(confirmed instanceof RestoreResult.NeedsConfirmation, confirmed.toString());
        assertTrue(Files.readString(starts).contains("swrk"), "confirmed, criu was started: " + Files.readString(starts));
        host.close();
    }

    /**
     * The gates for a file podman writes or reads as root for a user: a new file only in a real folder of that user
     * (never a folder of root's, where a file then given to the user would hand them root, nor through a link to a
     * folder others can write); an existing file only when the folder holding any link on the way is safe too.
     */
    @Test
    void archivesGoOnlyIntoTheUsersOwnFoldersAndLinksCountByTheirFolder() throws Exception {
        final int stranger = 12345;
        Path mine = Files.createDirectory(tmp.resolve("mine"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        exec("chown", NOBODY + ":" + NOBODY, mine.toString());
        assertTrue(RestoreGate.checkNewFile(mine.resolve("a.tar.zst"), NOBODY).trusted(), "the user's own folder");
        RestoreGate.Verdict system = RestoreGate.checkNewFile(tmp.resolve("ld.so.preload"), NOBODY);
        assertTrue(system.has(RestoreGate.Concern.FOREIGN_OWNER), "a folder of root's is not the user's: " + system.reasons());
        assertTrue(RestoreGate.checkNewFile(tmp.resolve("ld.so.preload"), 0).trusted(), "root asking: root's folder is its own");

        Path shared = Files.createDirectory(tmp.resolve("shared"));
        exec("chown", stranger + ":" + stranger, shared.toString());
        exec("chmod", "0777", shared.toString());
        Path link = Files.createSymbolicLink(mine.resolve("out"), shared);
        exec("chown", "-h", NOBODY + ":" + NOBODY, link.toString());
        RestoreGate.Verdict through = RestoreGate.checkNewFile(link.resolve("a.tar.zst"), NOBODY);
        assertFalse(through.trusted(), "judged on the real folder the link leads to: " + through.reasons());
        assertEquals(shared.toRealPath().resolve("a.tar.zst"), through.folder(), "the verdict names the real path");
        assertTrue(RestoreGate.checkNewFile(mine.resolve("a.tar.zst"), NOBODY).folder().startsWith(mine.toRealPath()));

        Path archive = Files.writeString(mine.resolve("b.tar.zst"), "x");
        exec("chown", NOBODY + ":" + NOBODY, archive.toString());
        assertTrue(RestoreGate.checkFile(archive, NOBODY).trusted(), "the user's own archive in the user's own folder");
        Path drop = Files.createDirectory(tmp.resolve("drop"));
        exec("chmod", "0777", drop.toString());
        Path swappable = Files.createSymbolicLink(drop.resolve("arch"), archive);
        exec("chown", "-h", NOBODY + ":" + NOBODY, swappable.toString());
        RestoreGate.Verdict viaDrop = RestoreGate.checkFile(swappable, NOBODY);
        assertTrue(viaDrop.has(RestoreGate.Concern.WRITABLE_BY_OTHERS), "anyone may swap a link in a 0777 folder: " + viaDrop.reasons());
        assertEquals(archive.toRealPath(), viaDrop.folder());
        exec("chown", stranger + ":" + stranger, archive.toString());
        assertTrue(RestoreGate.checkFile(archive, NOBODY).has(RestoreGate.Concern.FOREIGN_OWNER));
    }
}
