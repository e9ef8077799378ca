package org.criuatlas.testing;

import org.criuatlas.bridge.criu.CriuLocator;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Preconditions of tests that need root or a real CRIU. Outside CI a missing precondition skips
 * the test with the reason; in CI ({@code CI=true}) it fails the test, so nothing silently skips.
 */
public final class Requirements {
    private Requirements() {}

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    public static void requireRoot() {
        require(isRoot(), "this test needs root (run the suite with sudo)");
    }

    /** Root and a located criu binary; returns its path. */
    public static Path requireCriu() {
        requireRoot();
        var loc = CriuLocator.locate();
        require(loc.isPresent(), "criu not found: run scripts/provision-criu.sh or set " + CriuLocator.ENV);
        return loc.get().path();
    }

    /** Skips (outside CI) or fails (in CI) when {@code ok} is false. */
    public static void require(boolean ok, String why) {
        if (ok) return;
        if (inCi()) Assertions.fail("CI=true and a requirement is missing: " + why);
        Assumptions.assumeTrue(false, why);
    }
}
