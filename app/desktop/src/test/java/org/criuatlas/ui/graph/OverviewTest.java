package org.criuatlas.ui.graph;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.sample.SyntheticGraphs;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.PlanViewModel;
import org.criuatlas.ui.vm.RefreshController;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The overview of a workstation: groups at low zoom with their counts, bundles, hubs, nothing lost, expanding as it zooms in. */
class OverviewTest {
    static RenderGraph render(IpcGraph g) {
        ExplorerViewModel vm = new ExplorerViewModel(new PlanViewModel((graph, root, choices) -> null));
        new RefreshController(() -> g, Runnable::run, Runnable::run, vm).refreshNow();
        return vm.renderProperty().get();
    }

    @Test
    void lowZoomShowsGroupsBundlesAndHubsAndLosesNothing() {
        IpcGraph g = SyntheticGraphs.workstation(300, 7);
        RenderGraph r = render(g);
        Viewport fit = Viewport.fit(r.minX, r.minY, r.maxX, r.maxY, 1000, 600, 40, 1.2);
        Overview ov = Overview.of(r, fit.scale(), null);
        assertTrue(ov.groups.length >= 5, "groups at fit: " + ov.groups.length);
        int folded = 0, inGroups = 0;
        for (int i = 0; i < r.nodeCount; i++) {
            if (ov.shown(i)) continue;
            folded++;
            assertTrue(ov.isGroup(ov.rep[i]), "a folded process belongs to a group");
        }
        for (int root : ov.groups) inGroups += r.subtreeSize[root];
        assertTrue(folded > r.nodeCount / 3, "most processes fold at fit: " + folded + " of " + r.nodeCount);
        assertTrue(inGroups >= folded, "groups count their processes");
        // bundles carry every connection that touches a group, counted
        int bundled = 0;
        for (int c : ov.bundleCount) bundled += c;
        int inner = 0;
        for (int c : ov.groupInner) inner += c;
        int individual = 0;
        for (int e = 0; e < r.edgeCount; e++) if (r.type[e] != RenderGraph.PARENT && ov.shown(r.from[e]) && ov.shown(r.to[e])) individual++;
        int all = 0;
        for (int e = 0; e < r.edgeCount; e++) if (r.type[e] != RenderGraph.PARENT) all++;
        assertEquals(all, bundled + inner + individual, "every connection is drawn once: itself, in a bundle or inside a group");
        int widest = java.util.Arrays.stream(ov.bundleCount).max().orElse(0);
        System.out.printf("fit: %d groups, %d bundles holding %d connections (widest %d), %d inside groups, %d drawn as themselves%n",
                ov.groups.length, ov.bundleA.length, bundled, widest, inner, individual);

        // the D-Bus daemons are hubs, named with their peers
        Set<String> hubs = new HashSet<>();
        for (int i = 0; i < r.nodeCount; i++) if (ov.hub[i]) hubs.add(r.comm[i]);
        assertTrue(hubs.contains("dbus-daemon"), "hubs: " + hubs);
        // a group's label says what it is and how many
        String labels = String.join("; ", java.util.Arrays.stream(ov.groups).mapToObj(ov::groupLabel).toList());
        assertTrue(labels.matches(".*(service|session|container) [^;]+ \u00b7 \\d+.*"), labels);
    }

    @Test
    void connectionsBetweenGroupsAreBundledWithCountsAndWidth() {
        // 1,000 processes and 10,000 random connections across trees (20,000 socket ends)
        RenderGraph r = render(SyntheticGraphs.large(1000, 10000, 1));
        Viewport fit = Viewport.fit(r.minX, r.minY, r.maxX, r.maxY, 1400, 800, 40, 1.2);
        Overview ov = Overview.of(r, fit.scale(), null);
        int bundled = 0, widest = 0;
        for (int c : ov.bundleCount) {
            bundled += c;
            widest = Math.max(widest, c);
        }
        System.out.printf("large, fit: %d groups, %d bundles holding %d connections (widest %d)%n", ov.groups.length,
                ov.bundleA.length, bundled, widest);
        assertTrue(ov.bundleA.length * 3 < bundled, "a bundle holds several connections on average");
        assertTrue(Rasterizer.bundleWidth(widest) > Rasterizer.bundleWidth(1), "wider by number");
    }

    @Test
    void zoomingInOpensGroupsAndMustShowNeverFolds() {
        RenderGraph r = render(SyntheticGraphs.workstation(300, 7));
        Viewport fit = Viewport.fit(r.minX, r.minY, r.maxX, r.maxY, 1000, 600, 40, 1.2);
        Overview far = Overview.of(r, fit.scale(), null);
        Overview near = Overview.of(r, 1.0, null);
        assertTrue(near.groups.length < far.groups.length, far.groups.length + " groups at fit, " + near.groups.length + " at 1:1");
        int root = far.groups[0];
        int member = -1;
        for (int i = 0; i < r.nodeCount; i++) if (i != root && far.rep[i] == root) member = i;
        assertTrue(member >= 0);
        boolean[] must = new boolean[r.nodeCount];
        must[member] = true;
        Overview kept = Overview.of(r, fit.scale(), must);
        assertTrue(kept.shown(member), "a process that must show is never folded");
        assertFalse(kept.isGroup(root), "its group stays open");
    }
}
