package org.criuatlas.ui.graph;

import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.bridge.scan.ScanScope;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real podman container in the live graph: its conmon (podman inspect's ConmonPid) is labelled with
 * the container's name, and the container's init (State.Pid) is drawn inside conmon's group. podman,
 * runc and the offline busybox image come from scripts/setup-podman.sh.
 */
class ContainerLabelPodmanTest {
    record Result(int code, String out) {}

    static Result run(Map<String, String> env, List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), cmd + " did not finish");
        return new Result(p.exitValue(), out.trim());
    }

    @Test
    void conmonCarriesTheContainerName() throws Exception {
        Requirements.requireRoot();
        Path repo = Path.of(System.getProperty("criuatlas.repo", "../..")).toAbsolutePath().normalize();
        ProcessBuilder setup = new ProcessBuilder("bash", repo.resolve("scripts/setup-podman.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process sp = setup.start();
        String out = new String(sp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(sp.waitFor(15, TimeUnit.MINUTES));
        Requirements.require(sp.exitValue() == 0, "scripts/setup-podman.sh failed");
        Map<String, String> env = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        String name = "atlas-label-" + ProcessHandle.current().pid();
        run(env, List.of("podman", "rm", "-f", "-t", "0", name));
        try {
            Result r = run(env, List.of("podman", "run", "-d", "--name", name, env.get("ATLAS_PODMAN_IMAGE"), "sh", "-c",
                    "while :; do sleep 1; done"));
            assertEquals(0, r.code(), r.out());
            Result ins = run(env, List.of("podman", "inspect", "--format", "{{.State.ConmonPid}} {{.State.Pid}}", name));
            assertEquals(0, ins.code(), ins.out());
            String[] pids = ins.out().split("\\s+");
            int conmon = Integer.parseInt(pids[0]), init = Integer.parseInt(pids[1]);

            IpcGraph g;
            try (LiveScanner s = new LiveScanner()) {
                g = s.scan(ScanScope.subtrees(Set.of(conmon)));
            }
            RenderGraph rg = OverviewTest.render(g);
            int node = rg.indexOf(conmon);
            assertTrue(node >= 0, "conmon " + conmon + " is drawn");
            assertEquals(name + " (conmon " + conmon + ")", rg.label[node]);
            assertEquals(RenderGraph.G_CONTAINER, rg.groupKind[node]);
            assertTrue(Overview.none(rg).groupLabel(node).startsWith("container " + name + " (conmon " + conmon + ") \u00b7 "));
            // the container's init is in conmon's subtree (its group)
            int i = rg.indexOf(init);
            assertTrue(i >= 0, "the container's init " + init + " is drawn");
            List<Integer> chain = new ArrayList<>();
            for (int at = i; at >= 0; at = rg.parent[at]) chain.add(rg.pid[at]);
            assertTrue(chain.contains(conmon), "init's ancestors " + chain + " include conmon " + conmon);
        } finally {
            run(env, List.of("podman", "rm", "-f", "-t", "0", name));
        }
    }
}
