package org.criuatlas.restore;

import org.criuatlas.bridge.criu.LibC;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a test of real restores needs around it: the real criu (required), this JVM as child subreaper
 * (restored roots re-parent to it and get reaped here), one background thread for the runner, and after
 * each test the kept ends closed, the restored processes killed and the thread stopped.
 */
abstract class RealRestoreFixture {
    @TempDir
    Path tmp;
    Path criu;
    ExecutorService pool;
    final List<Integer> toKill = new ArrayList<>();
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUpRealRestore() {
        criu = Requirements.requireCriu();
        LibC.becomeChildSubreaper(); // restored roots re-parent to us and get reaped here
        pool = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDownRealRestore() throws Exception {
        for (AutoCloseable c : toClose) c.close();
        RestoreRunner.killAll(toKill);
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
}
