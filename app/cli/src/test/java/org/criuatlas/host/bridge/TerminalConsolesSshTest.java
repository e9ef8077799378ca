package org.criuatlas.host.bridge;

import org.awaitility.Awaitility;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.cli.CliRun;
import org.criuatlas.cli.TerminalConsoles;
import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.OpenedImages;
import org.criuatlas.host.RestoreRequest;
import org.criuatlas.host.RestoreResult;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code restore --host} and {@code migrate} join the consoles a restore kept to the terminal: a tree restored through
 * the test sshd's bridge, with its external socket wired to a console that bridge keeps, echoes what is typed here, and
 * the echo is printed here (the worker of the topology echoes what it reads; real CRIU, the console streamed over ssh).
 */
@Tag("criu")
class TerminalConsolesSshTest {
    static final Path OUT = Path.of("target", "terminal-consoles").toAbsolutePath();
    final List<AutoCloseable> toClose = new ArrayList<>();
    final List<Integer> toKill = new ArrayList<>();

    @BeforeAll
    static void sshd() throws Exception {
        BridgeSshTest.sshd();
        TestProcs.criuAsSubreaper();
        Files.createDirectories(OUT);
    }

    @AfterEach
    void cleanUp() throws Exception {
        TestProcs.killAndReap(toKill);
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    @Test
    void whatIsTypedGoesToTheRemoteConsoleAndItsEchoIsPrintedHere() throws Exception {
        Topology t = Topology.start(new TopologySpec().process("worker").process("peer")
                .socketpair("ext", SocketType.STREAM, "worker", "peer"));
        toClose.add(t);
        int worker = t.pid("worker");
        long inside = t.inode("ext", "worker");
        Path images = OUT.resolve("echo-" + System.nanoTime());
        CliRun.Result d = CliRun.run("dump", "--host", "atlas-test", "--pid", "" + worker, "--images", images.toString(),
                "--external", "socket:[" + inside + "]");
        assertEquals(0, d.exit(), d.out() + d.err());
        assertTrue(TestProcs.waitGone(worker, Duration.ofSeconds(10)), "the dump ended the worker (/proc)");

        BridgeHost host = BridgeLauncher.ssh("atlas-test");
        toClose.add(host);
        OpenedImages opened = host.openImages(images);
        RestoreResult r = host.restore(RestoreRequest.now(RestoreWiringPlan.of(opened.dump())), e -> {}).result().get(120, TimeUnit.SECONDS);
        RestoreResult.Restored ok = assertInstanceOf(RestoreResult.Restored.class, r, r::toString);
        toKill.addAll(ok.pids());
        t.adopt(ok.pids());
        toClose.add(ok.wiring());
        List<KeptEnd> consoles = ok.wiring().ends().stream().filter(KeptEnd::console).toList();
        assertEquals(List.of("socket:[" + inside + "]"), consoles.stream().map(KeptEnd::key).toList());
        assertEquals("the bridge on atlas-test", consoles.get(0).keptBy(), "the console lives in the ssh host's bridge");

        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream terminal = new PipedInputStream(typing, 1 << 16);
        ByteArrayOutputStream shown = new ByteArrayOutputStream(), said = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(shown, true, StandardCharsets.UTF_8), err = new PrintStream(said, true, StandardCharsets.UTF_8);
        try (TerminalConsoles joined = TerminalConsoles.attach(ok.wiring().ends(), terminal, out, err)) {
            assertTrue(said.toString(StandardCharsets.UTF_8).contains("console socket:[" + inside + "] is joined to this terminal"),
                    said.toString(StandardCharsets.UTF_8));
            typing.write("typed in a terminal over ssh\n".getBytes(StandardCharsets.UTF_8));
            typing.flush();
            Awaitility.await("the echo of what was typed is printed here").atMost(Duration.ofSeconds(20))
                    .until(() -> shown.toString(StandardCharsets.UTF_8).contains("typed in a terminal over ssh"));
            Awaitility.await("the bridge counts what it wrote to the tree").atMost(Duration.ofSeconds(20))
                    .until(() -> consoles.get(0).bytesSent() >= "typed in a terminal over ssh\n".length());
        }
        int before = shown.size();
        consoles.get(0).send("after the terminal let go\n");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> consoles.get(0).transcript().contains("after the terminal let go"));
        assertEquals(before, shown.size(), "nothing is printed once the terminal is let go");
        typing.close();
    }
}
