package org.criuatlas.bridge.criu;

import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CRIU that the app and the tests find through the documented setting really works here. */
@Tag("criu")
class CriuSmokeTest {
    @Test
    void locatedCriuIsAtLeast4AndPassesCheck() throws Exception {
        Path criu = Requirements.requireCriu();
        assertTrue(CriuLocator.majorVersion(criu) >= 4, "criu at " + criu + " must be version 4 or newer");
        Process p = new ProcessBuilder(criu.toString(), "check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "criu check did not finish");
        assertEquals(0, p.exitValue(), "criu check failed:\n" + out);
        assertTrue(out.contains("Looks good."), "criu check output:\n" + out);
    }

    @Test
    void locatorPrefersTheExplicitSetting() {
        // the setting that scripts/test.sh exports wins over PATH
        String env = System.getenv(CriuLocator.ENV);
        Requirements.require(env != null, CriuLocator.ENV + " is exported by scripts/test.sh");
        assertEquals(Path.of(env), CriuLocator.require().path());
        assertEquals("$" + CriuLocator.ENV, CriuLocator.require().via());
    }
}
