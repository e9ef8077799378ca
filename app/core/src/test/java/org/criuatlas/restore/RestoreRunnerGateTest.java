package org.criuatlas.restore;

import org.criuatlas.model.SocketType;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.plan.restore.WiringFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A restore with a gate ({@link RestoreRunner#restore(RestoreWiringPlan, java.util.function.Consumer, java.util.function.Supplier)}):
 * the work dir and the wiring are built while the gate decides, criu (a script that records every start)
 * starts only when the gate lets it, and a held restore starts no criu and makes no connection to a
 * relay's socket path (a wiring that connects out is built only after the gate let it).
 */
class RestoreRunnerGateTest {
    @TempDir
    Path tmp;
    private ExecutorService pool;
    private Path criu, starts, images;

    @BeforeEach
    void setUp() throws Exception {
        pool = Executors.newSingleThreadExecutor(); // the job holds its only thread: nothing may wait on another
        starts = tmp.resolve("criu-starts.log");
        criu = tmp.resolve("criu");
        Files.writeString(criu, "#!/bin/sh\necho \"$*\" >> '" + starts + "'\nexit 1\n");
        Files.setPosixFilePermissions(criu, PosixFilePermissions.fromString("rwxr-xr-x"));
        images = Files.createDirectory(tmp.resolve("images"));
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void theGateIsAskedOnceTheWiringIsBuiltAndCriuStartsOnlyAfterItLetTheRestoreGoOn() throws Exception {
        RestoreWiringPlan plan = WiringFixtures.plan(images).withWorkDir(tmp.resolve("work"));
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> stepsWhenAsked = new CopyOnWriteArrayList<>();
        RestoreOutcome out = new RestoreRunner(criu, pool).restore(plan, e -> {
            if (e instanceof RestoreEvent.Step s) seen.add(s.name());
        }, () -> {
            stepsWhenAsked.addAll(seen);
            assertFalse(Files.exists(starts), "criu started before the gate answered");
            return null;
        }).outcome().get(60, TimeUnit.SECONDS);
        assertEquals(List.of("wiring"), stepsWhenAsked, "asked after the wiring was built, before criu");
        assertInstanceOf(RestoreOutcome.Failed.class, out, out.toString()); // the script fails
        assertTrue(Files.readString(starts).contains("swrk"), "let through, criu was started");
    }

    @Test
    void aHeldRestoreStartsNoCriuAndConnectsNowhere() throws Exception {
        Path sock = tmp.resolve("relay.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            server.configureBlocking(false);
            RestoreWiringPlan base = WiringFixtures.plan(images);
            int row = IntStream.range(0, base.rows().size()).filter(i -> !base.rows().get(i).replacement().isPipe()
                    && base.rows().get(i).replacement().socketType() == SocketType.STREAM).findFirst().orElseThrow();
            RestoreWiringPlan.Edit e = base.withDestination(row, Destination.unixPath(sock.toString()));
            assertTrue(e.accepted(), e.rejection());

            RestoreOutcome out = new RestoreRunner(criu, pool).restore(e.plan(), ev -> { }, () -> "not trusted")
                    .outcome().get(60, TimeUnit.SECONDS);
            RestoreOutcome.Held held = assertInstanceOf(RestoreOutcome.Held.class, out, out.toString());
            assertEquals("not trusted", held.why());
            assertFalse(Files.exists(starts), "criu was started");
            assertNull(server.accept(), "the relay's socket path was connected to before the gate answered");
        }
    }
}
