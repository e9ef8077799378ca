package org.criuatlas.bridge.criu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which criu the locator picks and what it says about it, with small scripts standing in for criu
 * (they answer {@code --version} like the real one) in a temporary home.
 */
class CriuLocatorTest {
    @TempDir
    Path tmp;

    private Path fakeCriu(String dir, String version) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(dir));
        Path f = d.resolve("criu");
        Files.writeString(f, "#!/bin/sh\necho 'Version: " + version + "'\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void environmentWinsAndSaysSo() throws IOException {
        Path env = fakeCriu("env", "4.1.1");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("criu-path"), fakeCriu("rec", "4.2.1") + "\n");
        var l = CriuLocator.locate(env.toString(), null, home, null).orElseThrow();
        assertEquals(env, l.path());
        assertEquals("$CRIU_ATLAS_CRIU", l.via());
        assertEquals(CriuVersion.parse("4.1.1"), l.version());
        assertTrue(l.belowRecommended());
        assertTrue(l.describe().contains("CRIU 4.1.1"), l.describe());
        assertTrue(l.describe().contains("chosen because CRIU_ATLAS_CRIU is set"), l.describe());
        assertTrue(l.describe().contains("cannot dump inet or packet sockets"), l.describe());
    }

    @Test
    void recordedPathCarriesWhatProvisioningRecorded() throws IOException {
        Path rec = fakeCriu("criu-4.2.1/bin", "4.2.1");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("criu-path"), rec + "\n");
        Files.writeString(home.resolve("criu-version"),
                "4.2.1 path=" + rec + " source=provisioned debian=4.2.1-1 suite=sid\n");
        var l = CriuLocator.locate(null, null, home, null).orElseThrow();
        assertEquals(rec, l.path());
        assertEquals("4.2.1", l.versionText());
        assertFalse(l.belowRecommended());
        assertEquals("Debian sid 4.2.1-1, installed by scripts/provision-criu.sh", l.provenance());
        assertTrue(l.why().contains(home.resolve("criu-path").toString()), l.why());
        assertFalse(l.describe().contains("note:"), l.describe());
    }

    @Test
    void aRecordAboutAnotherPathIsNotClaimed() throws IOException {
        Path rec = fakeCriu("a", "4.2.1");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("criu-path"), rec + "\n");
        Files.writeString(home.resolve("criu-version"), "4.2.1 path=/elsewhere/criu source=provisioned debian=4.2.1-1 suite=sid\n");
        assertNull(CriuLocator.locate(null, null, home, null).orElseThrow().provenance());
    }

    @Test
    void pathOnlyOffersCriuFourOrNewer() throws IOException {
        Path old = fakeCriu("old", "3.17.1");
        Path good = fakeCriu("good", "4.2.1");
        Path home = Files.createDirectories(tmp.resolve("home"));
        var l = CriuLocator.locate(null, null, home, old.getParent() + ":" + good.getParent()).orElseThrow();
        assertEquals(good, l.path());
        assertEquals("PATH", l.via());
        assertTrue(l.why().contains("first criu >= 4 on PATH"), l.why());
    }

    /** A criu stand-in that leaves a mark each time it is run. */
    private Path markingCriu(String dir, String version) throws IOException {
        Path f = fakeCriu(dir, version);
        Files.writeString(f, "#!/bin/sh\necho run >> '" + f.getParent().resolve("runs") + "'\necho 'Version: " + version + "'\n");
        return f;
    }

    private long runs(Path criu) throws IOException {
        Path marks = criu.getParent().resolve("runs");
        return Files.exists(marks) ? Files.readAllLines(marks).size() : 0;
    }

    @Test
    void thePathAloneIsTheSameChoiceWithoutRunningCriuForASetting() throws IOException {
        Path env = markingCriu("env", "4.1.1");
        Path rec = markingCriu("rec", "4.2.1");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("criu-path"), rec + "\n");
        assertEquals(Optional.of(env), CriuLocator.locatePath(env.toString(), null, home, null));
        assertEquals(Optional.of(rec), CriuLocator.locatePath(null, null, home, null));
        assertEquals(0, runs(env) + runs(rec), "a setting is taken as it is: criu is not run");
        assertEquals(CriuLocator.locate(null, null, home, null).map(CriuLocator.Located::path), CriuLocator.locatePath(null, null, home, null));
        assertEquals(1, runs(rec), "locate() itself asks criu its version");
    }

    @Test
    void thePathAloneStillSkipsAnOldCriuOnPath() throws IOException {
        Path old = markingCriu("old", "3.17.1");
        Path good = markingCriu("good", "4.2.1");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("criu-path"), tmp.resolve("missing/criu") + "\n");
        assertEquals(Optional.of(good), CriuLocator.locatePath(null, null, home, old.getParent() + ":" + good.getParent()));
        assertEquals(Optional.empty(), CriuLocator.locatePath(null, null, home, old.getParent().toString()).filter(p -> p.equals(old)));
    }

    @Test
    void versionOutputParsing() {
        assertEquals(new CriuVersion(4, 2, 1, null), CriuVersion.parseVersionOutput("Version: 4.2.1\n"));
        assertEquals(new CriuVersion(4, 2, 0, "v4.2-12-gabc"), CriuVersion.parseVersionOutput("Version: 4.2\nGitID: v4.2-12-gabc\n"));
        assertNull(CriuVersion.parseVersionOutput("criu: command not found"));
        assertTrue(CriuVersion.parse("4.1.1").compareTo(CriuVersion.parse("4.2")) < 0);
        assertEquals("4.2.0", CriuVersion.parse("4.2").numbers());
        assertThrows(IllegalArgumentException.class, () -> CriuVersion.parse("4.x"));
    }

    @Test
    void recordParsing() {
        Map<String, String> kv = CriuLocator.parseRecord("4.2.1 path=/a/b source=provisioned debian=4.2.1-1 suite=sid\n");
        assertEquals("4.2.1", kv.get("version"));
        assertEquals("/a/b", kv.get("path"));
        assertEquals("sid", kv.get("suite"));
    }
}
