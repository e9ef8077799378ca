package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A worker that never replies becomes a typed error, never a hang. */
@Tag("criu")
class CriuWorkerFailureTest {
    @TempDir
    Path tmp;

    private Path fakeCriu(String body) throws Exception {
        Path p = tmp.resolve("fake-criu");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void workerThatExitsWithoutReplyingIsWorkerDiedWithItsStderr() throws Exception {
        Path fake = fakeCriu("echo \"RPC error: Invalid req\" >&2; exit 255");
        try (CriuSession s = CriuSession.start(fake, CriuRequest.VERSION, null, Map.of(), null)) {
            CriuException.WorkerDied e = assertThrows(CriuException.WorkerDied.class, () -> s.await(Duration.ofSeconds(20)));
            assertEquals("exit 255", e.exit());
            assertEquals(List.of("RPC error: Invalid req"), e.outputTail());
            assertTrue(e.getMessage().contains("ended without a reply"), e.getMessage());
        }
    }

    @Test
    void workerThatHangsIsKilledOnTimeout() throws Exception {
        Path fake = fakeCriu("exec sleep 600");
        CriuSession s = CriuSession.start(fake, CriuRequest.VERSION, null, Map.of(), null);
        assertThrows(CriuException.Cancelled.class, () -> s.await(Duration.ofMillis(500)));
        int pid = s.workerPid();
        assertTrue(TestProcs.waitGone(pid, Duration.ofSeconds(5)), "worker killed and reaped");
    }

    @Test
    void inheritFdThatWasNotHandedInIsDiagnosed() throws Exception {
        Path criu = Requirements.requireCriu();
        Path images = tmp.resolve("img");
        Files.createDirectories(images);
        CriuOptions o = CriuOptions.defaults().withImagesDir(images)
                .withInheritFds(List.of(new CriuOptions.InheritFd("socket:[1]", 57)));
        CriuResult r;
        try (CriuSession s = CriuSession.restore(criu, o, Map.of(), null)) {
            r = s.await(Duration.ofSeconds(30));
        }
        assertFalse(r.success());
        assertTrue(r.has(CriuErrorKind.BAD_INHERIT_FD), () -> r.diagnoses() + " / " + r.outputTail());
    }

    @Test
    void badArgumentsAreRefusedBeforeSpawning() {
        Path criu = Path.of("/bin/true");
        assertThrows(IllegalArgumentException.class, () -> CriuSession.dump(criu, CriuOptions.defaults().withImagesDir(tmp), null));
        assertThrows(IllegalArgumentException.class, () -> CriuSession.restore(criu, CriuOptions.defaults().withImagesDir(tmp),
                Map.of(10, 987654), null));
        assertThrows(IllegalArgumentException.class, () -> CriuSession.restore(criu, CriuOptions.defaults().withImagesDir(tmp.resolve("none")),
                Map.of(), null));
    }
}
