package org.criuatlas.cli;

import org.criuatlas.testing.PodmanSetup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code plan --container NAME} on a real podman container (scripts/setup-podman.sh): the plan's root is the
 * container's init as podman inspect says, the network namespace runc marks external is the init's own (as
 * /proc says), podman's command is printed; an unknown container is NOT_FOUND, neither --pid nor
 * --container is a usage error.
 */
@Tag("criu")
class PlanContainerTest {
    @Test
    void aPodmanContainerIsPlannedByName() throws Exception {
        var env = PodmanSetup.env();
        String name = "atlas-plan-" + ProcessHandle.current().pid();
        PodmanSetup.podman("rm", "-f", "-t", "0", name);
        try {
            var run = PodmanSetup.podman("run", "-d", "--name", name, env.get("ATLAS_PODMAN_IMAGE"), "sh", "-c", "while :; do sleep 1; done");
            assertEquals(0, run.code(), run.out());
            String[] pids = PodmanSetup.podman("inspect", "--format", "{{.State.ConmonPid}} {{.State.Pid}}", name).out().split("\\s+");
            int conmon = Integer.parseInt(pids[0]), init = Integer.parseInt(pids[1]);
            String netns = Files.readSymbolicLink(Path.of("/proc/" + init + "/ns/net")).toString().replaceAll("\\D", "");
            CliRun.Result r = CliRun.run("plan", "--container", name);
            assertEquals(ExitCode.OK.code, r.exit(), r.out() + r.err());
            assertTrue(r.out().startsWith("Container " + name + " (conmon " + conmon + "), init " + init
                    + ": podman container checkpoint --export " + name + ".tar.zst " + name + "\n"), r.out());
            assertTrue(r.out().contains("--external net[" + netns + "]:extRootNetNS"), r.out());
            assertTrue(r.out().contains("Dump plan for pid " + init + " "), r.out());

            assertEquals(ExitCode.NOT_FOUND.code, CliRun.run("plan", "--container", name + "-nosuch").exit());
            assertEquals(ExitCode.USAGE.code, CliRun.run("plan").exit());
        } finally {
            PodmanSetup.podman("rm", "-f", "-t", "0", name);
        }
    }
}
