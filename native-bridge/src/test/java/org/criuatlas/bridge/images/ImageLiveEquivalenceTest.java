package org.criuatlas.bridge.images;

import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real tree dumped by CRIU: the graph read from the images equals what /proc and sock_diag said
 * just before the dump, apart from the differences listed in docs/image-reader.md.
 */
@Tag("criu")
class ImageLiveEquivalenceTest {
    static DumpedFixture fx;
    static ImageDump dump;

    @BeforeAll
    static void dumpIt() throws Exception {
        var criu = Requirements.requireCriu();
        fx = DumpedFixture.dump(criu);
        dump = ImageReader.open(fx.images);
        System.out.println("dumped " + fx.rootPid + ": " + dump.graph().summary() + ", " + dump.obligations().size() + " obligations");
    }

    @AfterAll
    static void cleanUp() {
        if (fx != null) fx.close();
    }

    @Test
    void processesMatchTheLiveTree() {
        IpcGraph g = dump.graph();
        assertEquals(fx.live.procs().keySet(), g.processes().keySet());
        for (LiveFacts.Proc lp : fx.live.procs().values()) {
            ProcessInfo p = g.process(lp.pid());
            // the dump root's parent is outside the dump: the image says 0 (documented difference)
            assertEquals(lp.pid() == fx.rootPid ? 0 : lp.ppid(), p.ppid(), "ppid of " + lp.pid());
            assertEquals(lp.pgid(), p.pgid(), "pgid of " + lp.pid());
            assertEquals(lp.sid(), p.sid(), "sid of " + lp.pid());
            assertEquals(lp.comm(), p.comm(), "comm of " + lp.pid());
            char live = lp.state() == 'R' || lp.state() == 'D' ? 'S' : lp.state();
            assertEquals(live, p.state(), "state of " + lp.pid());
        }
        assertTrue(g.process(fx.zombiePid).isZombie());
        assertTrue(g.process(fx.zombiePid).fds().isEmpty());
    }

    @Test
    void everyFdHasTheLiveTargetAndMode() {
        IpcGraph g = dump.graph();
        for (LiveFacts.Proc lp : fx.live.procs().values()) {
            ProcessInfo p = g.process(lp.pid());
            assertEquals(lp.fds().keySet(), p.fds().stream().map(FdInfo::fd).collect(Collectors.toSet()), "fd numbers of " + lp.pid());
            for (LiveFacts.Fd lf : lp.fds().values()) {
                FdInfo f = p.fd(lf.fd());
                assertEquals(lf.target(), f.target(), "pid " + lp.pid() + " fd " + lf.fd());
                assertEquals(lf.accMode(), switch (f.mode()) { case READ -> 0; case WRITE -> 1; case READ_WRITE -> 2; default -> -1; },
                        "access mode of pid " + lp.pid() + " fd " + lf.fd());
            }
        }
    }

    @Test
    void socketsMatchSockDiag() {
        IpcGraph g = dump.graph();
        int compared = 0;
        for (LiveFacts.Proc lp : fx.live.procs().values()) {
            for (LiveFacts.Fd lf : lp.fds().values()) {
                if (!lf.target().startsWith("socket:[")) continue;
                long ino = Long.parseLong(lf.target().substring(8, lf.target().length() - 1));
                LiveFacts.Sock ls = fx.live.sockets().get(ino);
                assertNotNull(ls, "ss does not list " + ino);
                UnixSocket s = g.socket(ino);
                assertNotNull(s, "image lacks socket " + ino);
                assertFalse(s.externalPeer());
                assertEquals(ls.netid(), switch (s.type()) { case STREAM -> "u_str"; case DGRAM -> "u_dgr"; case SEQPACKET -> "u_seq"; default -> "?"; }, "type of " + ino);
                assertEquals(ls.state(), switch (s.state()) { case ESTABLISHED -> "ESTAB"; case LISTEN -> "LISTEN"; case UNCONNECTED -> "UNCONN"; default -> "?"; }, "state of " + ino);
                assertEquals(ls.name(), s.name().display(), "name of " + ino);
                assertEquals(ls.peer(), s.peer(), "peer of " + ino);
                assertEquals(ls.recvQ(), s.recvQueue(), "receive queue of " + ino);
                assertEquals(ls.sendQ(), s.sendQueue(), "send queue of " + ino);
                Set<Holder> liveHolders = new TreeSet<>();
                for (LiveFacts.Proc q : fx.live.procs().values()) {
                    for (LiveFacts.Fd qf : q.fds().values()) if (qf.target().equals(lf.target())) liveHolders.add(new Holder(q.pid(), qf.fd()));
                }
                assertEquals(new ArrayList<>(liveHolders), s.holders(), "holders of " + ino);
                compared++;
            }
        }
        assertTrue(compared >= 20, "compared only " + compared + " socket fds");
    }

    @Test
    void externalPeersAreCriusSyntheticEntries() {
        IpcGraph g = dump.graph();
        UnixSocket pairEnd = g.socket(fx.extPairIno);
        UnixSocket ext = g.peerOf(pairEnd);
        assertNotNull(ext, "the outside end of the socketpair is recorded");
        assertTrue(ext.externalPeer());
        assertTrue(ext.holders().isEmpty());
        // the image says DGRAM/LISTEN for every external entry; the reader says unknown
        assertEquals(SocketType.UNKNOWN, ext.type());
        assertEquals(SocketState.OTHER, ext.state());
        assertEquals(fx.live.sockets().get((long) fx.extPairIno).peer(), ext.ino());
        UnixSocket dg = g.socket(fx.extDgramIno);
        UnixSocket srv = g.peerOf(dg);
        assertTrue(srv.externalPeer());
        assertEquals(fx.dir.resolve("ext-dgram.sock").toString(), srv.name().display());
    }

    @Test
    void pipesFifosAndQueuedBytes() {
        IpcGraph g = dump.graph();
        Map<Long, Pipe> pipes = g.pipes();
        for (LiveFacts.Proc lp : fx.live.procs().values()) {
            for (LiveFacts.Fd lf : lp.fds().values()) {
                FdInfo f = g.process(lp.pid()).fd(lf.fd());
                if (f.kind() != FdKind.PIPE && f.kind() != FdKind.FIFO) continue;
                Pipe p = pipes.get(f.inode());
                assertNotNull(p, "pipe " + f.inode());
                Holder h = new Holder(lp.pid(), lf.fd());
                assertEquals(lf.accMode() == 0 || lf.accMode() == 2, p.readers().contains(h), "reader " + h);
                assertEquals(lf.accMode() == 1 || lf.accMode() == 2, p.writers().contains(h), "writer " + h);
            }
        }
        // bytes the fixture wrote and nobody read
        Pipe fifo = pipes.values().stream().filter(Pipe::isFifo).findFirst().orElseThrow();
        assertEquals(fx.dir.resolve("fifo").toString(), fifo.fifoPath());
        assertEquals(9, fifo.queuedBytes());
        List<Long> queued = pipes.values().stream().filter(p -> !p.isFifo()).map(Pipe::queuedBytes).sorted().toList();
        assertTrue(queued.contains(5L) && queued.contains(12L), "pipe contents 5 (inside) and 12 (from outside): " + queued);
    }

    @Test
    void obligationsNameTheCrossingObjects() {
        List<RestoreObligation> ob = dump.obligations();
        RestoreObligation pair = ob.stream().filter(o -> o.ino() == fx.extPairIno).findFirst().orElseThrow();
        assertEquals(RestoreObligation.Kind.INHERIT_SOCKET, pair.kind());
        assertEquals("socket:[" + fx.extPairIno + "]", pair.key());
        assertEquals(SocketType.STREAM, pair.socketType());
        RestoreObligation dg = ob.stream().filter(o -> o.ino() == fx.extDgramIno).findFirst().orElseThrow();
        assertEquals(RestoreObligation.Kind.INHERIT_OR_RECONNECT_SOCKET, dg.kind());
        assertEquals(fx.dir.resolve("ext-dgram.sock").toString(), dg.peerName().display());
        // the pipe whose write end the launcher kept
        assertTrue(ob.stream().anyMatch(o -> o.kind() == RestoreObligation.Kind.INHERIT_PIPE && o.pipeEndRead()
                && dump.graph().pipe(o.ino()).queuedBytes() == 12), ob.toString());
        // nothing else crosses: every other socket has its peer inside
        assertEquals(2, ob.stream().filter(o -> o.kind() != RestoreObligation.Kind.INHERIT_PIPE).count(), ob.toString());
    }

    @Test
    void inheritKeysAreCheckedAgainstTheImage() {
        String need = "socket:[" + fx.extPairIno + "]";
        var inside = dump.graph().sockets().values().stream().filter(s -> !s.externalPeer() && !s.hasPeer()).findFirst().orElseThrow();
        var findings = InheritKeyCheck.check(List.of(need, "socket:[1]", "socket[" + fx.extPairIno + "]", inside.key(), need),
                dump.graph(), dump.obligations());
        assertEquals(4, findings.size(), findings.toString());
        assertEquals("socket:[1]", findings.get(0).key());
        assertEquals(InheritKeyCheck.Severity.ERROR, findings.get(0).severity());
        assertEquals(InheritKeyCheck.Severity.ERROR, findings.get(1).severity()); // the --help spelling
        assertEquals(InheritKeyCheck.Severity.WARNING, findings.get(2).severity()); // not needed
        assertEquals(InheritKeyCheck.Severity.ERROR, findings.get(3).severity()); // duplicate
        assertTrue(InheritKeyCheck.check(List.of(need), dump.graph(), dump.obligations()).isEmpty());
    }

    @Test
    void statsAreRead() {
        assertNotNull(dump.dumpStats(), "stats-dump is in the images dir by default");
        assertTrue(dump.dumpStats().frozenTimeUs() > 0);
        assertTrue(dump.dumpStats().pagesWritten() > 0);
    }
}
