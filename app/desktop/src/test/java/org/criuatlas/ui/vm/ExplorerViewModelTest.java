package org.criuatlas.ui.vm;

import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.criuatlas.ui.plan.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The explorer's decisions without a toolkit: search, selection, ticks to command, refresh diffing. */
class ExplorerViewModelTest {
    private static final Executor SAME_THREAD = Runnable::run;

    private record World(ExplorerViewModel vm, RefreshController refresh, List<IpcGraph> next) {}

    /** A view-model fed by a source that returns the graphs in {@code next} one per scan. */
    private static World world(IpcGraph first) {
        List<IpcGraph> next = new ArrayList<>(List.of(first));
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel(new PlannerAdapter(Path.of("/dumps"))));
        RefreshController rc = new RefreshController(() -> next.size() > 1 ? next.remove(0) : next.get(0),
                SAME_THREAD, SAME_THREAD, vm);
        rc.refreshNow();
        return new World(vm, rc, next);
    }

    private static IpcGraph dangling(boolean withExtra) {
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "init", "/sbin/init");
        b.process(100, 1, "supervisor", "supervisor");
        b.process(101, 100, "worker", "worker", "--serve", "/srv/data");
        b.process(102, 101, "helper", "helper");
        b.pair(100, 101, SocketType.STREAM, null);
        b.bound(102, SocketType.STREAM, "/run/helper.sock");
        b.pipe(101, 102);
        if (withExtra) b.process(103, 101, "newcomer", "newcomer");
        return b.build();
    }

    @Test
    void searchMatchesPidCommandInodeAndPath() {
        World w = world(dangling(false));
        ExplorerViewModel vm = w.vm();
        assertEquals(4, vm.visibleRows().size());
        vm.searchProperty().set("101");
        assertEquals(List.of(101), vm.visibleRows().stream().map(ProcessRow::pid).toList());
        vm.searchProperty().set("/srv/data");
        assertEquals(List.of(101), vm.visibleRows().stream().map(ProcessRow::pid).toList());
        vm.searchProperty().set("/run/helper.sock");
        assertEquals(List.of(102), vm.visibleRows().stream().map(ProcessRow::pid).toList());
        long workerEnd = w.vm().getGraph().process(101).fds().get(0).inode();
        vm.searchProperty().set(Long.toString(workerEnd));
        // the inode matches the holder of that end only (the peer has a different inode)
        assertEquals(List.of(101), vm.visibleRows().stream().map(ProcessRow::pid).toList());
        vm.searchProperty().set("10"); // a number matches whole pids/inodes, not digits inside them
        assertTrue(vm.visibleRows().isEmpty());
        vm.searchProperty().set("");
        assertEquals(4, vm.visibleRows().size());
    }

    /**
     * The same processes, 102 bound to {@code path}: same counts in every row. Made in another
     * order for another path, so 102's socket has another inode, as a new socket of a real process has.
     */
    private static IpcGraph boundAt(String path) {
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "init", "/sbin/init");
        b.process(101, 1, "worker", "worker");
        b.process(102, 1, "helper", "helper");
        boolean first = path.contains("helper");
        if (first) b.bound(102, SocketType.STREAM, path);
        b.pair(101, 101, SocketType.STREAM, null);
        if (!first) b.bound(102, SocketType.STREAM, path);
        return b.build();
    }

    @Test
    void aSearchInProgressFollowsARefreshThatChangesOnlyWhatARowDoesNotShow() {
        // the row of 102 shows the same counts before and after: only its socket (inode, name) changed
        World w = world(boundAt("/run/helper.sock"));
        ExplorerViewModel vm = w.vm();
        vm.searchProperty().set("/run/other.sock");
        assertTrue(vm.visibleRows().isEmpty());
        w.next().add(boundAt("/run/other.sock"));
        w.next().remove(0);
        w.refresh().refreshNow();
        assertEquals(List.of(102), vm.visibleRows().stream().map(ProcessRow::pid).toList(), "the new socket's name is found");
        vm.searchProperty().set("/run/helper.sock");
        assertTrue(vm.visibleRows().isEmpty(), "the old name is not");
        long ino = vm.getGraph().process(102).fds().get(0).inode();
        vm.searchProperty().set(Long.toString(ino));
        assertEquals(List.of(102), vm.visibleRows().stream().map(ProcessRow::pid).toList(), "nor is the new inode missed");
    }

    @Test
    void selectionDrivesTheInspectorAndLinksJump() {
        World w = world(dangling(false));
        ExplorerViewModel vm = w.vm();
        assertEquals(Inspection.EMPTY, vm.inspectionProperty().get());
        vm.select(SelectedItem.process(101));
        Inspection in = vm.inspectionProperty().get();
        assertEquals("worker (pid 101)", in.title());
        Inspection.Property fd = in.properties().stream().filter(p -> p.name().equals("fd 3")).findFirst().orElseThrow();
        assertEquals(SelectedItem.Kind.SOCKET, fd.link().kind());
        vm.jumpTo(fd.link());
        assertEquals(fd.link(), vm.getSelection());
        assertTrue(vm.inspectionProperty().get().title().startsWith("unix socket"));
        assertNotNull(vm.focusProperty().get());
        assertEquals(java.util.Set.of(100, 101), vm.focusProperty().get().pids());
        // the peer holder is a link back to the supervisor
        assertTrue(vm.inspectionProperty().get().properties().stream()
                .anyMatch(p -> p.name().equals("peer holder") && SelectedItem.process(100).equals(p.link())));
    }

    @Test
    void tickingTheDanglingEndTurnsTheVerdictOkAndNamesOurInode() {
        World w = world(dangling(false));
        PlanViewModel plan = w.vm().plan();
        plan.planSubtree(101);
        CrossingRow c = plan.getOutcome().crossings().stream().filter(x -> x.key().startsWith("socket")).findFirst().orElseThrow();
        long ours = w.vm().getGraph().process(101).fds().get(0).inode();
        assertEquals("socket:[" + ours + "]", c.key());
        assertEquals(Verdict.FAIL, c.verdict());
        assertEquals(100, c.outsidePid());
        assertEquals(Verdict.FAIL, plan.getOutcome().verdict());
        assertFalse(plan.commandTextProperty().get().contains("--external"));

        plan.setChoice(c.key(), Choice.EXTERNAL, true);
        assertEquals(Verdict.RESOLVED, plan.getOutcome().verdict());
        assertTrue(plan.verdictTextProperty().get().contains("OK"));
        assertTrue(plan.commandTextProperty().get().contains("--external 'unix[" + ours + "]'"), plan.commandTextProperty().get());
        assertTrue(plan.commandTextProperty().get().startsWith("criu dump -t 101 -D /dumps/101"));

        plan.setChoice(c.key(), Choice.EXTERNAL, false);
        assertEquals(Verdict.FAIL, plan.getOutcome().verdict());
        assertFalse(plan.commandTextProperty().get().contains("--external"));
    }

    @Test
    void pullingThePeerInMovesTheRootToTheCommonAncestor() {
        World w = world(dangling(false));
        PlanViewModel plan = w.vm().plan();
        plan.planSubtree(101);
        CrossingRow c = plan.getOutcome().crossings().get(0);
        plan.setChoice(c.key(), Choice.PULL_PEER, true);
        assertEquals(100, plan.rootPidProperty().get());
        assertTrue(plan.getOutcome().crossings().isEmpty());
        assertEquals(Verdict.RESOLVED, plan.getOutcome().verdict());
        plan.removeProcess(102);
        assertEquals(100, plan.rootPidProperty().get(), "a process below the root cannot be left out");
        assertFalse(plan.noticeProperty().get().isEmpty());
        plan.removeProcess(100);
        assertNull(plan.getOutcome());
    }

    @Test
    void refreshMarksWhatAppearedAndVanishedAndKeepsPositions() {
        World w = world(dangling(false));
        ExplorerViewModel vm = w.vm();
        var before = vm.renderProperty().get();
        float x101 = before.x[before.indexOf(101)], y101 = before.y[before.indexOf(101)];
        assertTrue(vm.diffProperty().get().isEmpty(), "the first snapshot marks nothing");

        w.next().add(0, dangling(true));
        w.refresh().refreshNow();
        GraphDiff d = vm.diffProperty().get();
        assertEquals(java.util.Set.of(103), d.appearedPids());
        assertTrue(vm.marksVisibleProperty().get());
        var after = vm.renderProperty().get();
        assertEquals(x101, after.x[after.indexOf(101)], "known processes keep their place");
        assertEquals(y101, after.y[after.indexOf(101)]);
        assertTrue(after.appeared[after.indexOf(103)]);

        w.next().add(0, dangling(false));
        w.refresh().refreshNow();
        assertEquals(java.util.Set.of(103), vm.diffProperty().get().vanishedPids());
        var ghostView = vm.renderProperty().get();
        int ghost = ghostView.indexOf(103);
        assertTrue(ghost >= 0, "a vanished process stays as a ghost for a moment");
        assertEquals(org.criuatlas.ui.graph.RenderGraph.GHOST, ghostView.kind[ghost]);
        vm.hideMarks();
        assertFalse(vm.marksVisibleProperty().get());
    }

    @Test
    void aRefreshPlansTheNewSnapshotInTheBackgroundUnlessSomethingWasTickedMeanwhile() {
        int[] calls = {0};
        org.criuatlas.ui.plan.DumpPlanning real = new PlannerAdapter(Path.of("/d"));
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel((g, root, ch) -> {
            calls[0]++;
            return real.plan(g, root, ch);
        }));
        List<Runnable> background = new ArrayList<>();
        RefreshController rc = new RefreshController(() -> dangling(false), background::add, SAME_THREAD, vm);
        rc.refreshNow();
        background.remove(0).run();
        PlanViewModel plan = vm.plan();
        plan.planSubtree(101);
        assertEquals(1, calls[0]);

        // nothing ticked while the scan ran: the plan made in the background is swapped in as it is
        rc.refreshNow();
        background.remove(0).run();
        assertEquals(2, calls[0], "planned once, off the FX thread");
        CrossingRow c = plan.getOutcome().crossings().stream().filter(x -> x.key().startsWith("socket")).findFirst().orElseThrow();
        assertEquals(Verdict.FAIL, c.verdict());

        // a tick while the scan runs: the background plan is stale and the plan is made again with the tick
        rc.refreshNow();
        plan.setChoice(c.key(), Choice.EXTERNAL, true);
        background.remove(0).run();
        assertEquals(5, calls[0], "tick, stale background plan, plan again");
        assertEquals(Verdict.RESOLVED, plan.getOutcome().verdict());
    }

    @Test
    void aFailingScanKeepsTheLastSnapshotAndSaysWhy() {
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel(new PlannerAdapter(Path.of("/d"))));
        boolean[] fail = {false};
        IpcGraph g = dangling(false);
        RefreshController rc = new RefreshController(() -> {
            if (fail[0]) throw new IllegalStateException("permission denied");
            return g;
        }, SAME_THREAD, SAME_THREAD, vm);
        rc.refreshNow();
        fail[0] = true;
        rc.refreshNow();
        assertEquals(g, vm.getGraph());
        assertTrue(vm.scanErrorProperty().get().contains("permission denied"));
        assertFalse(rc.busyProperty().get());
    }

    @Test
    void requestsDuringAScanAreCoalescedIntoOneMoreScan() {
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel(new PlannerAdapter(Path.of("/d"))));
        List<Runnable> queued = new ArrayList<>();
        int[] scans = {0};
        IpcGraph g = dangling(false);
        RefreshController rc = new RefreshController(() -> {
            scans[0]++;
            return g;
        }, queued::add, SAME_THREAD, vm);
        rc.refreshNow();
        rc.refreshNow();
        rc.refreshNow();
        rc.refreshNow();
        assertEquals(1, queued.size(), "one scan at a time");
        queued.remove(0).run();
        assertEquals(1, queued.size(), "the three requests became one more scan");
        queued.remove(0).run();
        assertTrue(queued.isEmpty());
        assertEquals(2, scans[0]);
    }
}
