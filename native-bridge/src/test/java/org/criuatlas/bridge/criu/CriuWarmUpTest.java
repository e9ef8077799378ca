package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.images.CriuStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The warm-ups a headless command runs beside picocli and while criu runs, and the session's "criu is spawned" signal it waits for. */
class CriuWarmUpTest {
    @TempDir
    Path tmp;

    @Test
    void warmUpsRunAndDecodeTheirMadeUpStats() throws Exception {
        CriuWarmUp.beforeSession();
        CriuWarmUp.beforeResult();
        CriuStats s = CriuStats.warmUp(tmp.resolve("no-such-file"));
        assertEquals(2, s.dump().frozenTimeUs());
        assertEquals(6, s.dump().pagesWritten());
        assertEquals(4, s.restore().restoreTimeUs());
    }

    @Test
    void spawnedGivesTheWorkersPidOrMinusOneWhenThereIsNone() throws Exception {
        Path fake = tmp.resolve("fake-criu");
        Files.writeString(fake, "#!/bin/sh\nexit 3\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (CriuSession s = CriuSession.start(fake, CriuRequest.VERSION, null, Map.of(), null)) {
            int pid = s.spawned().join();
            assertTrue(pid > 0, "pid " + pid);
            assertThrows(CriuException.WorkerDied.class, () -> s.await(Duration.ofSeconds(20)));
            assertEquals(pid, s.workerPid());
        }
        try (CriuSession s = CriuSession.start(tmp.resolve("missing"), CriuRequest.VERSION, null, Map.of(), null)) {
            assertEquals(-1, s.spawned().join());
            assertThrows(CriuException.class, () -> s.await(Duration.ofSeconds(20)));
        }
    }
}
