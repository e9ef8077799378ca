package org.criuatlas.bridge.criu;

import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Acceptance 1: VERSION and CHECK over swrk report the provisioned CRIU 4.x. */
@Tag("criu")
class CriuVersionCheckTest {
    @Test
    void versionReportsFourX() {
        Path criu = Requirements.requireCriu();
        CriuResult r = CriuSession.version(criu);
        assertTrue(r.success(), () -> "VERSION failed: " + r);
        assertNotNull(r.version());
        assertEquals(4, r.version().major(), r.version().toString());
        assertTrue(r.workerExit().startsWith("exit"), r.workerExit());
    }

    @Test
    void checkWithOptsSucceeds() {
        Path criu = Requirements.requireCriu();
        var lines = new java.util.concurrent.CopyOnWriteArrayList<CriuEvent>();
        CriuResult r = CriuSession.check(criu, lines::add);
        assertTrue(r.success(), () -> "CHECK failed: " + r);
        assertTrue(r.outputTail().contains("Looks good."), () -> "criu's stdout was captured: " + r.outputTail());
        assertTrue(lines.stream().filter(e -> e instanceof CriuEvent.LogLine).count() > 10,
                "the log was followed while criu wrote it");
        assertInstanceOf(CriuEvent.Finished.class, lines.get(lines.size() - 1), "Finished is the last event");
    }

    @Test
    void featureCheckAnswers() {
        Path criu = Requirements.requireCriu();
        CriuResult r = CriuSession.featureCheck(criu);
        assertTrue(r.success(), () -> "FEATURE_CHECK failed: " + r);
    }
}
