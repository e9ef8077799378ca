package org.criuatlas.ui.graph;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The live graph names podman's containers by their monitor's command line (conmon -n NAME -c ID). */
class ContainerLabelTest {
    /** conmon's argv as podman 4.3 starts it (abridged to the options that matter and their neighbours). */
    static final List<String> CONMON = List.of("/usr/bin/conmon", "--api-version", "1",
            "-c", "7f3c2a9e51d04b1c8e2f6a7b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d",
            "-u", "7f3c2a9e51d04b1c8e2f6a7b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d", "-r", "/usr/local/bin/runc-criu4",
            "-b", "/var/lib/containers/storage/overlay-containers/7f3c2a9e51d0/userdata", "-p", "/run/containers/storage/pidfile",
            "-n", "counter", "--exit-dir", "/run/libpod/exits", "--full-attach", "-s", "-l", "k8s-file:/var/lib/ctr.log");

    static ProcessInfo proc(int pid, int ppid, String comm, List<String> argv) {
        return new ProcessInfo(pid, ppid, comm, argv, 0, 'S', pid, pid, 0, 0, List.of(), true);
    }

    @Test
    void conmonIsNamedAfterItsContainerInTheGraphAndItsGroup() {
        IpcGraph g = IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.LIVE, "fixture", Instant.EPOCH, true, 0), List.of(
                proc(1, 0, "init", List.of("/sbin/init")),
                proc(500, 1, "conmon", CONMON),
                proc(502, 500, "sh", List.of("/bin/sh", "-c", "while true; do echo $i; i=$((i+1)); sleep 1; done")),
                proc(503, 502, "sleep", List.of("sleep", "1")),
                proc(600, 1, "conmon", List.of("/usr/bin/conmon", "--api-version", "1", "--cid", "abcdef0123456789abcdef", "-u", "x"))),
                List.of(), List.of(), List.of());
        RenderGraph r = OverviewTest.render(g);
        int conmon = r.indexOf(500), anonymous = r.indexOf(600), shell = r.indexOf(502);
        assertEquals("counter (conmon 500)", r.label[conmon]);
        assertEquals("abcdef012345 (conmon 600)", r.label[anonymous], "no name: the short id");
        assertEquals("sh 502", r.label[shell], "the container's own processes keep their names");
        assertEquals(RenderGraph.G_CONTAINER, r.groupKind[conmon]);
        assertEquals("container counter (conmon 500) \u00b7 3", Overview.none(r).groupLabel(conmon));
        assertNull(ContainerLabel.of(proc(9, 1, "bash", List.of("bash", "-n", "x"))), "only container monitors");
    }
}
