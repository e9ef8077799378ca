package org.criuatlas.bridge.criu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The project's own provision-criu.sh, run the way the window and `setup-criu` run it. */
class CriuProvisioningTest {
    static Path script() {
        return Path.of(System.getProperty("criuatlas.repo"), "scripts", CriuProvisioning.SCRIPT);
    }

    @Test
    void theScriptIsFoundFromTheCheckout() {
        assertEquals(script().toAbsolutePath().normalize(), CriuProvisioning.script().orElseThrow().toAbsolutePath().normalize());
    }

    @Test
    void aFakeCriuBelowVersion4IsRefusedWithTheScriptsReason(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("criu");
        Files.writeString(fake, "#!/bin/sh\n[ \"$1\" = --version ] && echo 'Version: 3.17.1'\nexit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> progress = new CopyOnWriteArrayList<>();
        // a state folder of our own, and no download: the mirror is unreachable on purpose
        CriuProvisioning run = startIsolated(dir, fake, progress);
        var e = assertThrows(CriuProvisioning.ProvisioningException.class, run::await);
        assertTrue(String.join("\n", progress).contains("is CRIU 3.17.1 (< 4)"), "the reason reaches the listener: " + progress);
        assertFalse(e.tail().isEmpty());
        assertFalse(Files.exists(dir.resolve("home/criu-path")), "nothing recorded");
    }

    @Test
    void cancelStopsTheScriptAndWhatItStarted(@TempDir Path dir) throws Exception {
        Path slow = dir.resolve("slow.sh");
        Path pidFile = dir.resolve("child.pid");
        Files.writeString(slow, "echo starting >&2\nsleep 300 &\necho $! > " + pidFile + "\necho started >&2\nwait\n");
        AtomicReference<String> last = new AtomicReference<>();
        CriuProvisioning run = CriuProvisioning.start(slow, null, last::set);
        await("the script's progress line", () -> "started".equals(last.get()));
        long child = Long.parseLong(Files.readString(pidFile).trim());
        run.cancel();
        var e = assertThrows(CriuProvisioning.ProvisioningException.class, run::await);
        assertEquals("cancelled", e.getMessage());
        await("the script's child (sleep) to be gone too", () -> !running(child));
    }

    /**
     * Whether the process still runs. A killed child whose parent script is gone is reparented to
     * PID 1; in a container whose PID 1 does not reap, it stays a zombie ("Z") for good, and
     * ProcessHandle.isAlive() calls that alive. Dead is dead: a zombie runs nothing.
     */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    /** Polls every 20 ms, 20 s at most. */
    private static void await(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** provision-criu.sh with CRIU_ATLAS_CRIU=fake, its own home and an unreachable mirror. */
    private static CriuProvisioning startIsolated(Path dir, Path fake, List<String> progress) throws Exception {
        Path wrapper = dir.resolve("isolated.sh");
        Files.writeString(wrapper, "export CRIU_ATLAS_HOME=" + dir.resolve("home") + "\n"
                + "export CRIU_ATLAS_DEBIAN_MIRROR=http://127.0.0.1:9\n"
                + "export PATH=/usr/bin:/bin\n"
                + "exec bash " + script() + "\n");
        return CriuProvisioning.start(wrapper, fake, progress::add);
    }
}
