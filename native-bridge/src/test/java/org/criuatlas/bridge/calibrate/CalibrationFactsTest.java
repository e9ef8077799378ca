package org.criuatlas.bridge.calibrate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in facts: complete for the catalogue, found by version and kernel, and what the docs show. */
class CalibrationFactsTest {
    static final ProbeCatalogue CAT = ProbeCatalogue.builtIn();

    @Test
    void builtInReportsCoverEveryCellOfTheCatalogueForBothVersions() {
        List<CalibrationReport> all = CalibrationFacts.builtIn();
        assertEquals(Set.of("4.1.1", "4.2.1"), new HashSet<>(all.stream().map(CalibrationReport::criuVersion).toList()));
        Set<String> cells = new HashSet<>();
        CAT.kinds().forEach(k -> k.variants().forEach(v -> cells.add(k.id() + "/" + v.id())));
        for (CalibrationReport r : all) {
            assertTrue(r.complete(), r.criuVersion());
            assertEquals(cells, new HashSet<>(r.entries().stream().map(CalibrationEntry::key).toList()),
                    "CRIU " + r.criuVersion() + ": measure again after changing the catalogue");
            assertFalse(r.entries().stream().anyMatch(e -> e.outcome() == Outcome.cancelled || e.outcome() == Outcome.unknown),
                    r.criuVersion());
        }
    }

    @Test
    void factsAreFoundForTheVersionAndKernelBestFirst(@TempDir Path tmp) throws Exception {
        CalibrationReport r421 = CalibrationFacts.builtIn().stream().filter(r -> r.criuVersion().equals("4.2.1")).findFirst().orElseThrow();
        Path none = tmp.resolve("absent.json");
        assertEquals(CalibrationFacts.Source.built_in, CalibrationFacts.forCriu("4.2.1", r421.kernel(), none).orElseThrow().source());
        var other = CalibrationFacts.forCriu("4.2.1", "7.0.0-other", none).orElseThrow();
        assertEquals(CalibrationFacts.Source.built_in_other_kernel, other.source());
        assertTrue(other.describe().contains("another kernel"), other.describe());
        assertTrue(CalibrationFacts.forCriu("9.9.9", r421.kernel(), none).isEmpty());
        // the user's own calibration wins; a damaged one is ignored
        Path mine = tmp.resolve("mine.json");
        r421.write(mine);
        var f = CalibrationFacts.forCriu("4.2.1", r421.kernel(), mine).orElseThrow();
        assertEquals(CalibrationFacts.Source.calibrated, f.source());
        assertTrue(f.describe().startsWith("calibrated against CRIU 4.2.1 on Linux "), f.describe());
        Files.writeString(mine, "{ not json");
        assertEquals(CalibrationFacts.Source.built_in, CalibrationFacts.forCriu("4.2.1", r421.kernel(), mine).orElseThrow().source());
    }

    @Test
    void aRunOfSomeKindsRefinesAWholeCalibration() {
        CalibrationReport whole = CalibrationFacts.builtIn().stream().filter(r -> r.criuVersion().equals("4.2.1")).findFirst().orElseThrow();
        // a later run of one kind, whose cells came out otherwise (say a patched CRIU of the same version)
        List<CalibrationEntry> eventfd = whole.entries().stream().filter(e -> e.kind().equals("eventfd"))
                .map(e -> new CalibrationEntry(e.kind(), e.variant(), e.role(), e.flags(), Outcome.failed, e.error(), true, 0, 1,
                        e.restore(), e.restoreError(), "again"))
                .toList();
        CalibrationReport run = new CalibrationReport(1, whole.criuVersion(), "/x/criu", whole.kernel(), whole.arch(), "2026-12-06T00:00:00Z",
                1234, 2, false, eventfd);
        CalibrationReport merged = run.over(whole, CAT);
        assertEquals(whole.entries().size(), merged.entries().size());
        assertTrue(merged.complete());
        assertEquals(whole.entries().stream().map(CalibrationEntry::key).toList(), merged.entries().stream().map(CalibrationEntry::key).toList(),
                "catalogue order");
        for (CalibrationEntry e : merged.entries()) {
            if (e.kind().equals("eventfd")) assertEquals("again", e.note(), e.key() + " comes from the new run");
            else assertEquals(whole.entry(e.kind(), e.variant()).orElseThrow(), e, e.key() + " is kept");
        }
        assertEquals(1234, merged.wallMillis());
        assertEquals("/x/criu", merged.criuPath());

        CalibrationEntry first = eventfd.get(0);
        CalibrationReport cancelled = new CalibrationReport(1, whole.criuVersion(), "/x/criu", whole.kernel(), whole.arch(), "t", 1, 1, false,
                List.of(new CalibrationEntry(first.kind(), first.variant(), first.role(), first.flags(), Outcome.cancelled, null, true, 0, 1,
                        null, null, null)));
        assertFalse(cancelled.over(whole, CAT).complete(), "a cancelled cell is not a whole calibration");
        CalibrationReport otherKernel = new CalibrationReport(1, whole.criuVersion(), "/x/criu", "1.0.0", whole.arch(), "t", 1, 1, false, eventfd);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> otherKernel.over(whole, CAT));
    }

    @Test
    void docsShowExactlyTheBuiltInFacts() throws Exception {
        String repo = System.getProperty("criuatlas.repo");
        Path doc = Path.of(repo == null ? ".." : repo, "docs", "dump-rules.md");
        String text = Files.readString(doc);
        int a = text.indexOf(CalibrationTable.BEGIN), b = text.indexOf(CalibrationTable.END);
        assertTrue(a >= 0 && b > a, "docs/dump-rules.md has the generated table");
        List<CalibrationReport> byVersion = CalibrationFacts.builtIn().stream()
                .sorted(Comparator.comparing(CalibrationReport::criuVersion)).toList();
        assertEquals(CalibrationTable.markdown(CAT, byVersion), text.substring(a, b + CalibrationTable.END.length()) + "\n",
                "regenerate the table: CalibrateMain --markdown <the built-in reports>");
    }
}
