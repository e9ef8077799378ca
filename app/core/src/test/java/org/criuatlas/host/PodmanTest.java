package org.criuatlas.host;

import org.criuatlas.testing.PodmanSetup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The host runs podman itself for a container checkpoint, and says why it failed in plain words: from
 * podman's own error line (a container that does not exist), and from CRIU's dump log that runc leaves in
 * the container's work folder (a busybox container holding a TCP connection to this test, checkpointed
 * without --tcp-established). Real podman, runc and CRIU from scripts/setup-podman.sh.
 */
@Tag("criu")
class PodmanTest {
    @TempDir
    Path tmp;

    private static LocalHost host(ExecutorService pool) throws Exception {
        return new LocalHost(LocalHost.Parts.real(pool), new Podman("podman", PodmanSetup.env()));
    }

    @Test
    void aMissingContainerIsSaidInPodmansWords() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        String name = "atlas-missing-" + ProcessHandle.current().pid();
        List<HostEvent> events = new CopyOnWriteArrayList<>();
        try (LocalHost h = host(pool)) {
            ContainerOutcome o = h.container(new ContainerRequest.Checkpoint(name, tmp.resolve("a.tar.zst"), false, false, false),
                    events::add).result().get(2, TimeUnit.MINUTES);
            assertEquals(ContainerOutcome.Kind.FAILED, o.kind(), o.toString());
            assertNotEquals(0, o.exit());
            assertTrue(o.reason().startsWith("podman: ") && o.reason().contains(name), o.reason());
            assertTrue(o.reason().contains("no such container"), o.reason());
            assertEquals("podman container checkpoint --export " + tmp.resolve("a.tar.zst") + " " + name, o.command());
            // podman's lines came as events, in order, after the command
            assertTrue(events.get(0) instanceof HostEvent.Step s && s.name().equals("start"), events.toString());
            assertTrue(events.stream().anyMatch(e -> e instanceof HostEvent.Step s && s.name().equals("podman")
                    && s.detail().contains("no such container")), events.toString());
            assertFalse(Files.exists(tmp.resolve("a.tar.zst")));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aConnectedTcpSocketFailsTheCheckpointWithCriusReason() throws Exception {
        var env = PodmanSetup.env();
        String name = "atlas-tcp-" + ProcessHandle.current().pid();
        PodmanSetup.podman("rm", "-f", "-t", "0", name);
        ExecutorService pool = Executors.newCachedThreadPool();
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("0.0.0.0")); LocalHost h = host(pool)) {
            // the container's gateway is this machine: the container connects back to the test's server
            var run = PodmanSetup.podman("run", "-d", "--name", name, env.get("ATLAS_PODMAN_IMAGE"), "sh", "-c",
                    "gw=$(ip route | awk '/default/ {print $3}'); sleep 100000 | nc $gw " + server.getLocalPort());
            assertEquals(0, run.code(), run.out());
            server.setSoTimeout(60_000);
            try (Socket accepted = server.accept()) {
                assertTrue(accepted.isConnected());
                ContainerOutcome o = h.container(new ContainerRequest.Checkpoint(name, tmp.resolve("tcp.tar.zst"), false, false, false),
                        e -> {}).result().get(3, TimeUnit.MINUTES);
                assertEquals(ContainerOutcome.Kind.FAILED, o.kind(), o.toString());
                // CRIU's own words, found in the dump.log runc left in the container's work folder
                assertNotNull(o.criuLog(), "dump.log found from podman's output: " + o.output());
                assertEquals("dump.log", o.criuLog().getFileName().toString());
                String log = Files.readString(o.criuLog());
                assertFalse(o.criuLogTail().isEmpty(), "CRIU's error lines: " + o);
                for (String l : o.criuLogTail()) assertTrue(log.contains(l), l);
                if (log.contains("Connected TCP socket")) {
                    // CRIU >= 4.2 on this kernel (4.1.1 stops earlier on any inet socket: criu-on-this-machine.md)
                    assertTrue(o.criuLogTail().stream().anyMatch(l -> l.contains("Connected TCP socket")), o.criuLogTail().toString());
                    assertTrue(o.reason().startsWith("A process in the dump holds a connected TCP socket."), o.reason());
                    assertTrue(o.reason().contains("--tcp-established"), o.reason());
                    // podman has no --tcp-close: the reason must not offer it
                    assertFalse(o.reason().contains("Dump with --tcp-close") || o.reason().contains("or --tcp-close"), o.reason());
                }
                assertTrue(o.reason().contains("(podman: "), "podman's own line follows: " + o.reason());
                // CRIU gave up: the container still runs
                var state = PodmanSetup.podman("inspect", "--format", "{{.State.Status}}", name);
                assertEquals("running", state.out());
            }
        } finally {
            PodmanSetup.podman("rm", "-f", "-t", "0", name);
            pool.shutdownNow();
        }
    }

    /**
     * Cancel never ends a container. Cancelled once CRIU has dumped it (CRIU then stops it) but before podman
     * exported the archive, podman used to leave the container exited, not checkpointed, without an archive:
     * the workload gone. Now it is restored from podman's own images and counts on from where it was.
     */
    @Test
    void aCheckpointCancelledAfterCriusDumpLeavesTheContainerRunning() throws Exception {
        var env = PodmanSetup.env();
        String name = "atlas-cancel-" + ProcessHandle.current().pid();
        PodmanSetup.podman("rm", "-f", "-t", "0", name);
        ExecutorService pool = Executors.newCachedThreadPool();
        try (LocalHost h = host(pool)) {
            var run = PodmanSetup.podman("run", "-d", "--name", name, env.get("ATLAS_PODMAN_IMAGE"), "sh", "-c",
                    "i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done");
            assertEquals(0, run.code(), run.out());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> PodmanSetup.counted(name).size() >= 3);
            Path dumpLog = Path.of(PodmanSetup.podman("inspect", "--format", "{{.StaticDir}}", name).out().trim()).resolve("dump.log");
            Path archive = tmp.resolve("cancel.tar.zst");
            List<HostEvent> events = new CopyOnWriteArrayList<>();
            HostOperation<ContainerOutcome> op = h.container(new ContainerRequest.Checkpoint(name, archive, false, false, false), events::add);
            // cancel in the window where CRIU is done (and has stopped the container) and podman is still exporting
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90)).pollInterval(java.time.Duration.ofMillis(5))
                    .until(() -> Files.isRegularFile(dumpLog) && Files.readString(dumpLog).contains("Dumping finished successfully"));
            op.cancel();
            ContainerOutcome o = op.result().get(3, TimeUnit.MINUTES);
            String state = PodmanSetup.podman("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", name).out().trim();
            System.out.println("cancelled checkpoint: " + o.kind() + ", state " + state + ": " + o.reason());
            if (o.kind() == ContainerOutcome.Kind.DONE) {
                // the cancel came after podman had finished: the checkpoint is whole, and kept
                assertEquals("exited true", state);
                assertTrue(Files.size(archive) > 0);
                return;
            }
            assertEquals(ContainerOutcome.Kind.CANCELLED, o.kind(), o.toString());
            assertTrue(state.startsWith("running"), state + ": " + o);
            assertTrue(o.reason().contains("restored from the images podman keeps"), "CRIU had dumped: restored, said so: " + o.reason());
            assertFalse(Files.exists(archive), "the unfinished archive podman began is removed: " + o.reason());
            assertTrue(events.stream().anyMatch(e -> e instanceof HostEvent.Step s && s.name().equals("restore-after-cancel")), events.toString());
            // the same process counts on: no restart from 1, and the numbers go past the last one before the cancel
            long before = PodmanSetup.counted(name).stream().mapToLong(Long::longValue).max().orElseThrow();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> PodmanSetup.counted(name).stream()
                    .mapToLong(Long::longValue).max().orElse(0) > before + 2);
            List<Long> n = PodmanSetup.counted(name);
            assertEquals(1, n.stream().filter(i -> i == 1).count(), "counted from 1 once only (a restart counts from 1 again): " + n);
            for (int i = 1; i < n.size(); i++) assertEquals(n.get(i - 1) + 1, n.get(i), "consecutive: " + n);
        } finally {
            PodmanSetup.podman("rm", "-f", "-t", "0", name);
            pool.shutdownNow();
        }
    }
}
