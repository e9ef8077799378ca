package org.criuatlas.plan.container;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A container from its conmon's command line (as podman 4.3 starts it) in a snapshot: found from the
 * monitor and from any process inside, by name or id prefix; its checkpoint's options as runc passes them
 * (the init's own network namespace external as extRootNetNS), and podman's commands. The real container
 * is in ContainerLabelPodmanTest and ContainerCheckpointScreenshotTest.
 */
class ContainerCheckpointTest {
    static final String ID = "4f1c0e7a9b2d3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6";

    static ProcessInfo proc(int pid, int ppid, String comm, List<String> cmd, long netns) {
        return new ProcessInfo(pid, ppid, comm, cmd, 0, 'S', pid, pid, 0, netns, List.of(), true);
    }

    static IpcGraph graph(long initNet) {
        List<ProcessInfo> ps = List.of(
                proc(1, 0, "init", List.of("/sbin/init"), 4026531840L),
                proc(500, 1, "conmon", List.of("/usr/bin/conmon", "--api-version", "1", "-c", ID, "-u", ID, "-r", "/usr/bin/runc",
                        "-b", "/var/lib/containers/storage/overlay-containers/" + ID + "/userdata", "-n", "web", "--exit-dir",
                        "/run/libpod/exits"), 4026531840L),
                proc(501, 500, "sh", List.of("sh", "-c", "while :; do sleep 1; done"), initNet),
                proc(502, 501, "sleep", List.of("sleep", "1"), initNet),
                proc(600, 1, "bash", List.of("bash"), 4026531840L));
        return IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.LIVE, "fixture", Instant.now(), true, 0), ps, List.of(), List.of(), List.of());
    }

    @Test
    void theContainerIsFoundFromItsMonitorAndFromInside() {
        IpcGraph g = graph(4026532500L);
        ContainerMonitor web = new ContainerMonitor("web", "podman", 500, 501);
        assertEquals(web, ContainerMonitor.of(g, 500).orElseThrow());
        assertEquals(web, ContainerMonitor.of(g, 502).orElseThrow());
        assertTrue(ContainerMonitor.of(g, 600).isEmpty());
        assertEquals(web, ContainerMonitor.named(g, "web").orElseThrow());
        assertEquals(web, ContainerMonitor.named(g, ID.substring(0, 12)).orElseThrow());
        assertTrue(ContainerMonitor.named(g, "4f1").isEmpty(), "an id prefix needs 4 characters");
        assertEquals(List.of(web), ContainerMonitor.all(g));
        assertEquals("web (conmon 500)", web.label());
    }

    @Test
    void runcsOptionsAndPodmansCommands() {
        IpcGraph g = graph(4026532500L);
        ContainerCheckpoint c = new ContainerCheckpoint(ContainerMonitor.of(g, 500).orElseThrow(), true, false, true);
        assertEquals("net[4026532500]:extRootNetNS", c.netnsKey(g));
        assertEquals(java.util.Set.of("net[4026532500]:extRootNetNS"), c.objects(g).external());
        assertTrue(c.objects(g).fileLocks());
        assertFalse(c.objects(g).tcpEstablished());
        assertEquals(List.of("podman", "container", "checkpoint", "--export", "/tmp/w.tar.zst", "--leave-running", "--file-locks", "web"),
                c.podmanCommand(Path.of("/tmp/w.tar.zst")));
        assertEquals(List.of("podman", "container", "restore", "--import", "/tmp/w.tar.zst", "--name", "web2", "--tcp-established"),
                ContainerCheckpoint.podmanRestoreCommand(Path.of("/tmp/w.tar.zst"), "web2", true, false));
        List<String> assumed = c.assumed(g).stream().map(ContainerCheckpoint.Assumed::option).toList();
        assertTrue(assumed.contains("-t 501") && assumed.contains("--manage-cgroups") && assumed.contains("--external net[4026532500]:extRootNetNS"),
                assumed.toString());
        assertTrue(assumed.contains("no --tcp-established"), "not asked: said");
        // sharing the host's network namespace: nothing external
        IpcGraph hostNet = graph(4026531840L);
        assertNull(new ContainerCheckpoint(ContainerMonitor.of(hostNet, 501).orElseThrow(), false, false, false).netnsKey(hostNet));
        assertEquals("podman container checkpoint --export '/tmp/a b.tar' web",
                ContainerCheckpoint.shellLine(List.of("podman", "container", "checkpoint", "--export", "/tmp/a b.tar", "web")));
    }

    @Test
    void thePlanSaysRuncsExternalNetworkNamespaceIsNotDumped() {
        IpcGraph g = graph(4026532500L);
        ContainerCheckpoint c = new ContainerCheckpoint(ContainerMonitor.of(g, 500).orElseThrow(), false, false, false);
        org.criuatlas.plan.DumpPlan plan = org.criuatlas.plan.DumpPlanner.plan(g, 501,
                org.criuatlas.plan.Decisions.NONE.withObjects(c.objects(g)), pid -> true);
        String check = plan.checks().stream().filter(k -> k.kind() == org.criuatlas.plan.PlanCheck.Kind.OTHER_NET_NAMESPACE)
                .map(org.criuatlas.plan.PlanCheck::message).findFirst().orElseThrow();
        assertTrue(check.contains("marked external (--external net[4026532500]:extRootNetNS)"), check);
        assertFalse(check.contains("dumps the whole namespace"), check);
        org.criuatlas.plan.ObjectVerdict ns = plan.objects().stream().filter(v -> v.kind().equals("netns-root")).findFirst().orElseThrow();
        assertTrue(ns.withDecisions().why().startsWith("marked external: CRIU records only the key"), ns.withDecisions().why());
        // the same process planned as a plain tree (nothing external): CRIU dumps the namespace, as before
        org.criuatlas.plan.DumpPlan plain = org.criuatlas.plan.DumpPlanner.plan(g, 501, org.criuatlas.plan.Decisions.NONE, pid -> true);
        assertTrue(plain.checks().stream().anyMatch(k -> k.message().contains("CRIU dumps the whole namespace")), plain.checks().toString());
    }
}
