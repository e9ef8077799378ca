package org.criuatlas.host.bridge;

import org.awaitility.Awaitility;
import org.criuatlas.bridge.trust.FileTrust;
import org.criuatlas.host.ContainerOutcome;
import org.criuatlas.host.ContainerRequest;
import org.criuatlas.host.HostEvent;
import org.criuatlas.testing.PodmanSetup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Container checkpoints through a real {@code criu-atlas bridge} process, as the window (an ordinary user, its bridge
 * root through pkexec) runs them: podman itself, run by the bridge, with real runc and CRIU (scripts/setup-podman.sh).
 * The bridge is told the request came from {@code nobody} ({@code PKEXEC_UID}, as pkexec sets it): a busybox counter is
 * checkpointed into a folder the bridge makes for that user in a folder of theirs (0700, the user's, and so is the
 * archive), the archive is imported again as a second container that counts on from where the first was; and what the
 * bridge must refuse is refused before podman runs (an option for a name, a folder of root's or of another user, a file
 * already there, an archive someone else could have written).
 */
@Tag("criu")
class BridgeContainerTest {
    static final int NOBODY = 65534;
    static final int STRANGER = 12345;

    @Test
    void checkpointAndRestoreThroughTheBridgeAndWhatItRefuses() throws Exception {
        var env = PodmanSetup.env();
        String name = "atlas-bridge-" + ProcessHandle.current().pid(), copy = name + "-copy";
        PodmanSetup.podman("rm", "-f", "-t", "0", name);
        PodmanSetup.podman("rm", "-f", "-t", "0", copy);
        Path work = Files.createDirectories(Path.of("target", "bridge-container").toAbsolutePath()).resolve("run-" + System.nanoTime());
        Files.createDirectories(work);
        List<String> cmd = new ArrayList<>(List.of("env", "PKEXEC_UID=" + NOBODY));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(BridgeProcesses.command());
        try (BridgeHost host = BridgeLauncher.spawn(cmd, "this machine", "through the test launcher")) {
            var run = PodmanSetup.podman("run", "-d", "--name", name, env.get("ATLAS_PODMAN_IMAGE"), "sh", "-c",
                    "i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done");
            assertEquals(0, run.code(), run.out());
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> PodmanSetup.counted(name).size() >= 3);

            // the requesting user's own folder (nobody's, 0700): where archives for them may go
            Path mine = Files.createDirectory(work.resolve("mine"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Files.setAttribute(mine, "unix:uid", NOBODY);

            // refused before podman runs: no event, a reason in words
            assertRefused(host, new ContainerRequest.Checkpoint("--all", mine.resolve("x.tar.zst"), true, false, false), "not a container name");
            // a folder of root's is not the user's: a file made there and given to them could hand them root (/etc/ld.so.preload)
            assertRefused(host, new ContainerRequest.Checkpoint(name, work.resolve("ld.so.preload"), true, false, false), "belongs to root");
            Path strangers = Files.createDirectories(work.resolve("strangers"));
            Files.setOwner(strangers, strangers.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(Integer.toString(STRANGER)));
            assertRefused(host, new ContainerRequest.Checkpoint(name, strangers.resolve("x.tar.zst"), true, false, false), "belongs to");
            Path there = Files.writeString(mine.resolve("there.tar.zst"), "x");
            assertRefused(host, new ContainerRequest.Checkpoint(name, there, true, false, false), "already there");
            assertEquals("x", Files.readString(there), "untouched");
            Path planted = Files.writeString(strangers.resolve("planted.tar.zst"), "x");
            assertRefused(host, new ContainerRequest.Restore(planted, copy, false, false), "belongs to");
            assertRefused(host, new ContainerRequest.Restore(work.resolve("missing.tar.zst"), copy, false, false), "no archive");

            // a checkpoint into a folder that is not there yet: made for the requesting user, and the archive is theirs
            Path archive = mine.resolve("made").resolve(name + ".tar.zst");
            List<HostEvent> events = new CopyOnWriteArrayList<>();
            ContainerOutcome o = host.container(new ContainerRequest.Checkpoint(name, archive, true, false, false), events::add)
                    .result().get(5, TimeUnit.MINUTES);
            assertEquals(ContainerOutcome.Kind.DONE, o.kind(), o.toString());
            assertEquals("podman container checkpoint --export " + archive + " --leave-running " + name, o.command());
            assertTrue(events.stream().anyMatch(e -> e instanceof HostEvent.Step s && s.name().equals("start")), events.toString());
            FileTrust.Facts folder = FileTrust.lstat(archive.getParent());
            assertEquals(NOBODY, folder.uid(), "the folder is the requesting user's");
            assertEquals("700", folder.modeOctal().substring(folder.modeOctal().length() - 3));
            assertEquals(NOBODY, FileTrust.lstat(archive).uid(), "and so is the archive");
            assertTrue(Files.size(archive) > 0);
            assertTrue(PodmanSetup.podman("inspect", "--format", "{{.State.Status}}", name).out().startsWith("running"), "left running");

            // imported again through the bridge under another name: the same counter goes on
            long at = PodmanSetup.counted(name).stream().mapToLong(Long::longValue).max().orElseThrow();
            ContainerOutcome r = host.container(new ContainerRequest.Restore(archive, copy, false, false), null).result().get(5, TimeUnit.MINUTES);
            assertEquals(ContainerOutcome.Kind.DONE, r.kind(), r.toString());
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> PodmanSetup.counted(copy).stream()
                    .mapToLong(Long::longValue).max().orElse(0) > at + 2);
            // its log comes with the archive: one count from 1, on past the checkpoint without a gap (a fresh start counts from 1
            // again); left running, the original may have logged one more number before podman copied its log, which the copy
            // then prints again
            List<Long> n = PodmanSetup.counted(copy);
            assertEquals(1, n.stream().filter(i -> i == 1).count(), "counted from 1 once only: " + n);
            int repeats = 0;
            for (int i = 1; i < n.size(); i++) {
                long step = n.get(i) - n.get(i - 1);
                assertTrue(step == 1 || step == 0, "no gap: " + n);
                if (step == 0) repeats++;
            }
            assertTrue(repeats <= 1, "at most the number at the checkpoint twice: " + n);
        } finally {
            PodmanSetup.podman("rm", "-f", "-t", "0", name);
            PodmanSetup.podman("rm", "-f", "-t", "0", copy);
        }
    }

    private static void assertRefused(BridgeHost host, ContainerRequest r, String why) throws Exception {
        List<HostEvent> events = new CopyOnWriteArrayList<>();
        ContainerOutcome o = host.container(r, events::add).result().get(60, TimeUnit.SECONDS);
        assertEquals(ContainerOutcome.Kind.FAILED, o.kind(), o.toString());
        assertTrue(o.reason().contains(why), why + " in: " + o.reason());
        assertTrue(events.isEmpty(), "podman never ran: " + events);
    }
}
