package org.criuatlas.ui.vm;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.ui.plan.PlannerAdapter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * "Plan checkpoint of this container" on the plan's view-model: from a process inside the container the
 * plan's root is the container's init, the verdict and command name the container and podman, the options
 * podman and runc pass are listed as assumed, podman's check boxes re-plan, a plain subtree plan ends the
 * container mode. On a snapshot shaped like podman 4.3's (the real container: ContainerCheckpointScreenshotTest).
 */
class ContainerPlanTest {
    static ProcessInfo proc(int pid, int ppid, String comm, List<String> cmd, long netns) {
        return new ProcessInfo(pid, ppid, comm, cmd, 0, 'S', pid, pid, 0, netns, List.of(), true);
    }

    @Test
    void aContainersCheckpointIsPlannedOnItsInitWithPodmansOptions() {
        IpcGraph g = IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.LIVE, "fixture", Instant.now(), true, 0), List.of(
                proc(1, 0, "init", List.of("/sbin/init"), 10),
                proc(500, 1, "conmon", List.of("/usr/bin/conmon", "-c", "0123456789abcdef0123", "-n", "web"), 10),
                proc(501, 500, "sh", List.of("sh", "-c", "loop"), 20),
                proc(502, 501, "sleep", List.of("sleep", "1"), 20)), List.of(), List.of(), List.of());
        PlanViewModel plan = new PlanViewModel(new PlannerAdapter(Path.of("/d")));
        plan.graphChanged(g);
        plan.planContainer(502);
        assertNotNull(plan.containerProperty().get());
        assertEquals(501, plan.rootPidProperty().get());
        assertEquals(java.util.Set.of(501, 502), plan.getOutcome().pids());
        assertTrue(plan.verdictTextProperty().get().startsWith("Container web: "), plan.verdictTextProperty().get());
        assertTrue(plan.commandTextProperty().get().startsWith("podman container checkpoint --export web.tar.zst web\n"
                + "# podman runs runc, which runs CRIU as: criu dump -t 501 "), plan.commandTextProperty().get());
        assertTrue(plan.commandTextProperty().get().contains("--external 'net[20]:extRootNetNS'")
                || plan.commandTextProperty().get().contains("--external net[20]:extRootNetNS"), plan.commandTextProperty().get());
        assertTrue(plan.containerAssumedProperty().get().contains("--manage-cgroups"), plan.containerAssumedProperty().get());

        plan.setContainerOptions(true, true, false);
        assertTrue(plan.containerProperty().get().tcpEstablished() && plan.containerProperty().get().leaveRunning());
        assertTrue(plan.commandTextProperty().get().startsWith("podman container checkpoint --export web.tar.zst --leave-running"
                + " --tcp-established web"), plan.commandTextProperty().get());
        assertTrue(plan.commandTextProperty().get().contains("--tcp-established"));

        plan.planSubtree(502);
        assertNull(plan.containerProperty().get());
        assertEquals("", plan.containerAssumedProperty().get());
        assertTrue(plan.commandTextProperty().get().startsWith("criu dump -t 502"), plan.commandTextProperty().get());

        plan.planContainer(1);
        assertTrue(plan.noticeProperty().get().contains("not in a container"), plan.noticeProperty().get());
    }
}
