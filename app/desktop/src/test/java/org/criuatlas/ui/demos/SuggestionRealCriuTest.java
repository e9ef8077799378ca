package org.criuatlas.ui.demos;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.host.TargetProbe;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.suggest.DumpSuggester;
import org.criuatlas.plan.suggest.Suggestion;
import org.criuatlas.plan.suggest.Suggestions;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * "Make it dumpable" against real CRIU (the matrix for suggestions): on every demo whose plan fails
 * and on generated failing trees of real processes (the topology builder), every suggestion the
 * suggester offers is dumped with {@code criu dump --leave-running} using the suggestion's own
 * options, and must succeed with the tree still running afterwards.
 */
class SuggestionRealCriuTest {
    @TempDir Path tmp;
    Path criu;
    LiveScanner scanner;
    final List<String> table = new ArrayList<>();
    int dumps;

    @BeforeEach
    void setUp() {
        criu = Requirements.requireCriu();
        Requirements.requireRoot();
        scanner = new LiveScanner();
    }

    @AfterEach
    void tearDown() {
        if (scanner != null) scanner.close();
        table.forEach(System.out::println);
    }

    @Test
    void everySuggestionDumpsOnTheDemos() throws Exception {
        int failing = 0;
        try (DemoRunner runner = new DemoRunner()) {
            for (Demo demo : DemoCatalog.all()) {
                StartedDemo s = runner.start(demo).get(60, TimeUnit.SECONDS);
                try {
                    if (check(demo.id(), s.topology(), s.rootPid())) failing++;
                } finally {
                    runner.stop(demo).get(60, TimeUnit.SECONDS);
                }
            }
        }
        assertTrue(failing >= 3, "demos whose plan fails: " + failing);
    }

    @Test
    void everySuggestionDumpsOnGeneratedFailingTrees() throws Exception {
        int failing = 0;
        for (long seed = 1; failing < 20 && seed < 80; seed++) {
            try (Topology t = Topology.start(generate(seed))) {
                if (check("seed " + seed, t, t.pid("app"))) failing++;
            }
        }
        assertTrue(failing >= 20, "generated failing trees: " + failing);
    }

    /**
     * A small tree of real processes: supervisor (outside) above app (the root asked about) and its
     * workers, a sibling with a listener, a syslog-like dgram server, and random objects across the
     * root's edge.
     */
    static TopologySpec generate(long seed) {
        Random r = new Random(seed);
        TopologySpec s = new TopologySpec().process("supervisor").process("app", "supervisor").process("sibling", "supervisor")
                .process("syslogd")
                .dgramServer("log", "syslogd", TopologySpec.AUTO_ABSTRACT)
                .listen("bus", SocketType.STREAM, "sibling", TopologySpec.AUTO_ABSTRACT);
        List<String> inside = new ArrayList<>(List.of("app"));
        int kids = 1 + r.nextInt(2);
        for (int i = 0; i < kids; i++) {
            String name = "worker" + i;
            s.process(name, inside.get(r.nextInt(inside.size())));
            inside.add(name);
        }
        List<String> outside = List.of("supervisor", "sibling");
        int objects = 1 + r.nextInt(3);
        for (int i = 0; i < objects; i++) {
            String in = inside.get(r.nextInt(inside.size()));
            String out = outside.get(r.nextInt(outside.size()));
            String name = "o" + i;
            switch (r.nextInt(5)) {
                case 0 -> s.socketpair(name, SocketType.STREAM, out, in);
                case 1 -> s.socketpair(name, SocketType.SEQPACKET, out, in);
                case 2 -> s.connect(name, in, "log");
                case 3 -> s.connect(name, in, "bus");
                default -> s.pipe(name, out, in);
            }
        }
        return s;
    }

    /** Suggests for {@code root}; dumps every suggestion for real. False when the plan dumps as it is. */
    private boolean check(String what, Topology t, int root) throws Exception {
        IpcGraph g = scanner.scan(ScanScope.subtrees(Set.of(t.directorPid())));
        DumpPlan asked = DumpPlanner.plan(g, root, Decisions.NONE);
        if (asked.willSucceed()) return false;
        Suggestions s = DumpSuggester.suggest(g, root, Decisions.NONE, (int) ProcessHandle.current().pid());
        assertFalse(s.suggestions().isEmpty(), what + ": nothing suggested for " + asked.reasons() + "; " + s.unfixable());
        for (Suggestion x : s.suggestions()) {
            Path images = tmp.resolve("d" + (++dumps));
            CriuOptions o = x.plan().options().withImagesDir(images).withLeaveRunning(true).withLogFile("dump.log");
            java.nio.file.Files.createDirectories(images);
            CriuResult r;
            try (CriuSession session = CriuSession.dump(criu, o, null)) {
                r = session.await(Duration.ofSeconds(90));
            }
            table.add(String.format("%-12s %-70s %s", what, x.changes().stream().map(c -> c.text()).toList(),
                    r.success() ? "dumped" : "FAILED " + r.diagnoses()));
            assertTrue(r.success(), what + ": suggestion " + x.changes() + " did not dump: " + r.diagnoses() + " log " + r.logFile());
            for (int pid : x.plan().dumped()) {
                Character st = TargetProbe.PROC.state(pid);
                assertTrue(st != null && st != 'T' && st != 't' && st != 'Z', what + ": pid " + pid + " is " + st + " after the dump");
            }
        }
        return true;
    }
}
