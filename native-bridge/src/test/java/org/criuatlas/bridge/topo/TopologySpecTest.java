package org.criuatlas.bridge.topo;

import org.criuatlas.model.SocketName;
import org.junit.jupiter.api.Test;

import static org.criuatlas.model.SocketType.DGRAM;
import static org.criuatlas.model.SocketType.STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologySpecTest {

    @Test
    void writesOneStatementPerLineWithOptionsOnTheirObject() {
        String text = new TopologySpec()
                .process("root").process("worker", "root").processInDirectorSession("loose")
                .socketpair("sp", STREAM, "worker", "loose")
                .listen("srv", STREAM, "loose", SocketName.path("/tmp/x.sock"))
                .dgramServer("log", "loose", SocketName.abstractName("atlas-log"))
                .connect("cli", "worker", "srv")
                .pipe("p", "worker", "loose")
                .fifo("f", null, "root", "loose")
                .unbound("u", DGRAM, "root")
                .share("sp", "worker", "root")
                .fd("sp", "b", 9).talk("cli", "client", 100)
                .text();
        assertEquals("""
                proc root
                proc worker parent=root
                proc loose nosetsid
                socketpair sp stream worker loose fd.b=9
                listen srv stream loose path=/tmp/x.sock
                dgram-server log loose abstract=atlas-log
                connect cli worker srv talk.client=100
                pipe p worker loose
                fifo f path=auto root loose
                unbound u dgram root
                share sp worker root
                """, text);
    }

    @Test
    void rejectsMistakesBeforeTheDirectorSeesThem() {
        TopologySpec s = new TopologySpec().process("a");
        assertMessage("unknown process 'b'", () -> s.pipe("p", "a", "b"));
        assertMessage("defined twice", () -> s.process("a"));
        assertMessage("bad name", () -> s.process("two words"));
        assertMessage("unknown object 'nope'", () -> s.connect("c", "a", "nope"));
        assertMessage("must be absolute", () -> s.listen("l", STREAM, "a", SocketName.path("rel.sock")));
        assertMessage("listen needs stream or seqpacket", () -> s.listen("l", DGRAM, "a", SocketName.path("/x")));
        assertMessage("needs a name", () -> s.dgramServer("d", "a", SocketName.NONE));
        assertMessage("fd must be", () -> s.socketpair("sp", STREAM, "a", "a").fd("sp", "a", 2));
        assertMessage("unknown end", () -> s.talk("sp", "left", 10));
    }

    @Test
    void writesTheOtherKindsAndProcessOptions() {
        String text = new TopologySpec()
                .process("a", ProcOption.NETNS).process("b", "a", ProcOption.TRACED).threads("b", 3)
                .tcpListen("l", "a", "127.0.0.1:0").tcpConnectHalfClosed("c", "b", "l", "accepted")
                .udp("u", "a", "[::1]:0").udpConnected("v", "b", "[::1]:0", "u")
                .file("f", "b", TopologySpec.FileOn.SHM, TopologySpec.Deleted.LINKED, 4096)
                .lock("k", "b", "f", TopologySpec.LockType.OFD, true, 10, 5)
                .epoll("e", "b", "c", "f").fd(TopologySpec.FdKind.IO_URING, "io", "a").sem("s", "a", true)
                .text();
        assertEquals("""
                proc a netns
                proc b parent=a traced threads=3
                tcp-listen l a 127.0.0.1:0
                tcp-connect c b l shutdown=accepted
                udp u a [::1]:0
                udp v b [::1]:0 connect=u
                file f b on=shm deleted=linked size=4096
                lock k b f ofd write start=10 len=5
                epoll e b watch=c,f
                io_uring io a
                sem s a undo
                """, text);
        TopologySpec s = new TopologySpec().process("a");
        assertMessage("needs a parent", () -> s.process("z", ProcOption.ZOMBIE));
        assertMessage("expected IP:PORT", () -> s.tcpListen("l", "a", "localhost:80"));
        assertMessage("flock locks the whole file", () -> s.file("f", "a").lock("k", "a", "f", TopologySpec.LockType.FLOCK, false, 1, 0));
    }

    @Test
    void populationCountsItsProcesses() {
        TopologySpec s = TopologySpec.ofPopulation(1000, 20000).process("extra");
        assertEquals(1001, s.processCount());
        assertTrue(s.text().startsWith("population 1000 20000\n"));
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
