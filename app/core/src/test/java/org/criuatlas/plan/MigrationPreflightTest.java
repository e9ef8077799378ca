package org.criuatlas.plan;

import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.host.CriuStatus;
import org.criuatlas.host.DumpOutcome;
import org.criuatlas.host.DumpRequest;
import org.criuatlas.host.FolderCheck;
import org.criuatlas.host.Host;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.HostInfo;
import org.criuatlas.host.HostOperation;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.host.migrate.MigrationPreflight;
import org.criuatlas.host.migrate.Preflight;
import org.criuatlas.host.migrate.Preflight.Check;
import org.criuatlas.host.migrate.Preflight.Severity;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.restore.RestorePreview;
import org.criuatlas.plan.restore.RestorePreviewer.LiveFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The migration's preflight against hand-made hosts (what each says about pids, paths and CRIU):
 * every kind of finding, blocking or not, in words a person can act on. (In this package for the
 * {@link Graphs} fixture; the real hosts through ssh: MigrationSshTest.)
 */
class MigrationPreflightTest {
    static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    /** A host that answers from maps. */
    static final class Fake implements Host {
        final String boot;
        final CriuStatus criu;
        final Map<Integer, Character> pids = new HashMap<>();
        final Map<String, LiveFile> files = new HashMap<>();
        /** What the tree maps; null: a host that cannot say (a bridge before mapped files). */
        java.util.SortedMap<String, List<Integer>> maps = new java.util.TreeMap<>();

        Fake(String boot, CriuStatus criu) {
            this.boot = boot;
            this.criu = criu;
        }

        @Override public HostInfo info() { return new HostInfo("fake", "6.1", "root", false); }
        @Override public CriuStatus criuStatus() { return criu; }
        @Override public IpcGraph scan() { throw new UnsupportedOperationException(); }
        @Override public Map<Integer, Character> processStates(Collection<Integer> ps) {
            Map<Integer, Character> m = new LinkedHashMap<>();
            for (int p : ps) if (pids.containsKey(p)) m.put(p, pids.get(p));
            return m;
        }
        @Override public FolderCheck checkImagesFolder(Path folder) { throw new UnsupportedOperationException(); }
        @Override public Path newImagesFolder(Path parent, int rootPid, LocalDateTime at) { throw new UnsupportedOperationException(); }
        @Override public HostOperation<DumpOutcome> dump(DumpRequest r, Consumer<HostEvent> e) { throw new UnsupportedOperationException(); }
        @Override public HostOperation<RestoreResult> restore(RestoreRequest r, Consumer<HostEvent> e) { throw new UnsupportedOperationException(); }
        @Override public OpenedImages openImages(Path dir) { throw new UnsupportedOperationException(); }
        @Override public RestorePreview previewRestore(Path dir) { throw new UnsupportedOperationException(); }
        @Override public HostOperation<CalibrationReport> calibrate(int p, List<String> k, boolean w, Consumer<CalibrationEntry> s) {
            throw new UnsupportedOperationException();
        }
        @Override public String readLog(Path log, long maxBytes) { throw new UnsupportedOperationException(); }
        @Override public String bootId() { return boot; }
        @Override public Map<String, LiveFile> statPaths(List<String> paths) {
            Map<String, LiveFile> m = new LinkedHashMap<>();
            for (String p : paths) m.put(p, files.getOrDefault(p, LiveFile.MISSING));
            return m;
        }
        @Override public java.util.SortedMap<String, List<Integer>> mappedFiles(Collection<Integer> ps) {
            if (maps == null) throw new UnsupportedOperationException("the bridge on fake predates mapped files");
            return maps;
        }
        @Override public void close() {}
    }

    static CriuStatus criu(String version, boolean ok) {
        return new CriuStatus(Path.of("/usr/sbin/criu"), "PATH", version, ok, ok ? "looks good" : "Error (criu/cr-check.c): no userfaultfd");
    }

    static LiveFile file(long size, Instant mtime) { return new LiveFile(true, false, true, size, mtime); }

    /** srv (100, the tree) listens at /run/app.sock with a client outside (200), and has two files open. */
    static IpcGraph graph() {
        Graphs g = new Graphs().proc(100, 1, "srv").proc(200, 1, "client");
        g.listenerWithClient(SocketType.STREAM, "/run/app.sock", 100, 200);
        g.file(100, "/data/db").file(100, "/data/log").file(100, "/proc/self/status");
        return g.build();
    }

    static DumpPlan plan(Outcome outcome, List<String> reasons) {
        return new DumpPlan(100, "srv", List.of(100), List.of(), List.of(), CriuOptions.defaults().withPid(100), List.of(), outcome,
                null, reasons, List.of());
    }

    @Test
    void anotherMachineWithEverythingInTheWayBlocksAndSaysWhy() throws Exception {
        Fake source = new Fake("boot-a", criu("4.2.1", true));
        source.files.put("/data/db", file(4096, T));
        source.files.put("/data/log", file(100, T));
        Fake target = new Fake("boot-b", criu("4.1.1", false));
        target.pids.put(100, 'S');
        target.files.put("/data/db", file(8192, T));
        target.files.put("/data/log", file(100, T.plusSeconds(60)));
        target.files.put("/run/app.sock", new LiveFile(true, true, false, 0, T));
        Preflight pf = MigrationPreflight.check(source, "here", target, "there", graph(), plan(Outcome.DUMPS, List.of()), false);

        assertFalse(pf.sameMachine());
        assertTrue(pf.blocked(), pf.text());
        assertEquals(Severity.BLOCKS, one(pf, Check.CRIU, "criu check").severity(), pf.text());
        assertEquals(Severity.WARNS, one(pf, Check.CRIU, "older CRIU").severity(), pf.text());
        assertEquals(Severity.BLOCKS, one(pf, Check.PIDS, "pid 100 is in use on there").severity());
        assertEquals(Severity.BLOCKS, one(pf, Check.FILES, "/data/db is 8192 bytes").severity(), pf.text());
        assertEquals(Severity.WARNS, one(pf, Check.FILES, "/data/log has the same size").severity(), pf.text());
        assertTrue(pf.of(Check.FILES).stream().noneMatch(f -> f.subject().startsWith("/proc")), "virtual files are not compared");
        assertEquals(Severity.BLOCKS, one(pf, Check.SOCKETS, "/run/app.sock exists on there").severity(), pf.text());
        assertEquals(Severity.OK, one(pf, Check.WIRING, "needs nothing handed in").severity());
        assertEquals(Severity.OK, one(pf, Check.PLAN, "will succeed").severity());
    }

    @Test
    void aClearTargetPassesAndAMissingFileBlocks() throws Exception {
        Fake source = new Fake("boot-a", criu("4.2.1", true));
        source.files.put("/data/db", file(4096, T));
        source.files.put("/data/log", file(100, T));
        Fake target = new Fake("boot-b", criu("4.2.1", true));
        target.files.putAll(source.files);
        Preflight ok = MigrationPreflight.check(source, "here", target, "there", graph(), plan(Outcome.DUMPS, List.of()), false);
        assertFalse(ok.blocked(), ok.text());
        assertEquals(Severity.OK, one(ok, Check.PIDS, "free on there").severity());
        assertEquals(Severity.OK, one(ok, Check.FILES, "2 of 2 open files and folders").severity());
        assertEquals(Severity.OK, one(ok, Check.SOCKETS, "/run/app.sock is free on there").severity());

        target.files.remove("/data/db");
        Preflight missing = MigrationPreflight.check(source, "here", target, "there", graph(), plan(Outcome.DUMPS, List.of()), false);
        assertEquals(List.of("/data/db is missing on there: CRIU reopens it by path"),
                missing.blocking().stream().map(Preflight.Finding::text).toList());
    }

    @Test
    void oneMachineFreesItsOwnPidsUnlessTheDumpLeavesTheTreeRunning() throws Exception {
        Fake source = new Fake("boot-a", criu("4.2.1", true));
        Fake target = new Fake("boot-a", criu("4.2.1", true));
        target.pids.put(100, 'S');
        target.files.put("/run/app.sock", new LiveFile(true, true, false, 0, T));
        Preflight pf = MigrationPreflight.check(source, "here", target, "there", graph(), plan(Outcome.DUMPS, List.of()), false);
        assertTrue(pf.sameMachine());
        assertEquals(Severity.OK, one(pf, Check.PIDS, "the dump frees it").severity());
        assertEquals(Severity.WARNS, one(pf, Check.SOCKETS, "the tree's own socket").severity());
        Preflight running = MigrationPreflight.check(source, "here", target, "there", graph(), plan(Outcome.DUMPS, List.of()), true);
        assertEquals(Severity.BLOCKS, one(running, Check.PIDS, "leaves the tree running").severity());
        Preflight fails = MigrationPreflight.check(source, "here", target, "there", graph(),
                plan(Outcome.DUMP_FAILS, List.of("socket:[1001] is connected outside")), false);
        assertEquals(Severity.BLOCKS, one(fails, Check.PLAN, "socket:[1001] is connected outside").severity());
    }

    static LiveFile elf(long size, String buildId) { return new LiveFile(true, false, true, size, T, buildId); }

    @Test
    void programsAndLibrariesMustBeTheSameBuildThere() throws Exception {
        Fake source = new Fake("boot-a", criu("4.2.1", true));
        source.files.put("/data/db", file(4096, T));
        source.files.put("/data/log", file(100, T));
        Fake target = new Fake("boot-b", criu("4.2.1", true));
        target.files.putAll(source.files);
        for (String p : List.of("/usr/bin/srv", "/usr/lib/libc.so.6", "/usr/lib/libz.so.1", "/usr/lib/libssl.so.3", "/opt/lib/libx.so",
                "/usr/lib/locale/locale-archive", "/dev/zero")) source.maps.put(p, List.of(100));
        source.files.put("/usr/bin/srv", elf(40_000, "aa01"));
        source.files.put("/usr/lib/libc.so.6", elf(2_000_000, "bb02"));
        source.files.put("/usr/lib/libz.so.1", elf(100_000, "cc03"));
        source.files.put("/usr/lib/libssl.so.3", elf(600_000, "dd04"));
        source.files.put("/opt/lib/libx.so", elf(5_000, "ee05"));
        source.files.put("/usr/lib/locale/locale-archive", file(3_000_000, T));
        target.files.put("/usr/bin/srv", elf(40_000, "aa99"));           // same size, rebuilt
        target.files.put("/usr/lib/libc.so.6", elf(2_100_000, "bb03"));  // another version
        target.files.put("/usr/lib/libz.so.1", elf(100_000, "cc03"));    // the same
        target.files.put("/usr/lib/libssl.so.3", file(600_000, T));      // a bridge that does not read build-ids
        target.files.put("/usr/lib/locale/locale-archive", file(3_000_000, T.plusSeconds(5)));
        Preflight pf = MigrationPreflight.check(source, "here", target, "there", graph(), plan(Outcome.DUMPS, List.of()), false);

        assertTrue(pf.blocked(), pf.text());
        assertEquals(Severity.BLOCKS, one(pf, Check.MAPPED, "/usr/bin/srv (mapped by pid 100) is another build on there").severity());
        assertTrue(one(pf, Check.MAPPED, "/usr/bin/srv").text().contains("has bad build-ID"), pf.text());
        assertEquals(Severity.BLOCKS, one(pf, Check.MAPPED, "/usr/lib/libc.so.6 (mapped by pid 100) is 2100000 bytes").severity());
        assertEquals(Severity.BLOCKS, one(pf, Check.MAPPED, "/opt/lib/libx.so (mapped by pid 100) is missing on there").severity());
        assertEquals(Severity.WARNS, one(pf, Check.MAPPED, "locale-archive (mapped by pid 100) has the same size").severity());
        assertEquals(Severity.WARNS, one(pf, Check.MAPPED, "1 ELF file's build-id was not compared").severity());
        assertEquals(Severity.OK, one(pf, Check.MAPPED, "1 of 6 mapped files").severity(), "libz; /dev/zero is not compared");
        assertEquals(3, pf.blocking().size(), pf.text());

        target.files.putAll(source.files);
        Preflight same = MigrationPreflight.check(source, "here", target, "there", graph(), plan(Outcome.DUMPS, List.of()), false);
        assertFalse(same.blocked(), same.text());
        assertEquals(List.of(Severity.OK), same.of(Check.MAPPED).stream().map(Preflight.Finding::severity).toList(), same.text());

        source.maps = null;
        Preflight old = MigrationPreflight.check(source, "here", target, "there", graph(), plan(Outcome.DUMPS, List.of()), false);
        assertEquals(Severity.WARNS, one(old, Check.MAPPED, "were not compared: here cannot list them").severity());
        assertFalse(old.blocked(), old.text());
    }

    static Preflight.Finding one(Preflight pf, Check c, String text) {
        List<Preflight.Finding> fs = pf.of(c).stream().filter(f -> f.text().contains(text)).toList();
        assertEquals(1, fs.size(), "one " + c + " finding with \"" + text + "\" in:\n" + pf.text());
        return fs.get(0);
    }
}
