package org.criuatlas.bridge.topo;

import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyManifestTest {

    static final List<String> FIXTURE = List.of(
            "director 100",
            "proc root 101 -",
            "proc worker 103 root",
            "object sp socketpair stream - -",
            "object srv listen seqpacket path=/tmp/a/srv.sock -",
            "object cli connect seqpacket - srv",
            "object p pipe - - -",
            "object log dgram-server dgram abstract=atlas-topo-100-log -",
            "end sp a worker 103 3 5001",
            "end sp b root 101 3 5002",
            "end p write worker 103 4 6000",
            "end sp a root 101 9 5001",
            "ready",
            "exit 103 137");

    @Test
    void parsesEveryLineKindAndStopsAtReady() {
        TopologyManifest m = TopologyManifest.parse(FIXTURE);
        assertEquals(100, m.directorPid());
        assertEquals(new Topology.Proc("worker", 103, "root"), m.processes().get("worker"));
        assertNull(m.processes().get("root").parent());
        assertEquals(SocketName.path("/tmp/a/srv.sock"), m.objects().get("srv").address());
        assertEquals(SocketType.SEQPACKET, m.objects().get("cli").type());
        assertEquals("srv", m.objects().get("cli").server());
        assertNull(m.objects().get("p").type());
        assertEquals(SocketName.abstractName("atlas-topo-100-log"), m.objects().get("log").address());
        assertEquals(4, m.ends().size());
        assertEquals(new Topology.End("sp", "a", "root", 101, 9, 5001), m.ends().get(3));
    }

    @Test
    void attributesFollowTheFixedWordsAndUnescape() {
        TopologyManifest m = TopologyManifest.parse(List.of(
                "director 1",
                "proc a 2 - net=4026531833 state=stopped",
                "object l tcp-listen stream - - local=127.0.0.1:4000",
                "object g file - path=/tmp/g.file - on=tmp deleted=ghost mode=rw",
                "end l listen a 2 3 77 local=127.0.0.1:4000 link=socket:[77]",
                "end g fd a 2 4 78 link=/tmp/g.file\\040(deleted) dev=fe:00 nlink=0 size=18",
                "ready"));
        assertEquals(4026531833L, m.processes().get("a").namespace("net"));
        assertEquals("stopped", m.processes().get("a").attr("state"));
        assertEquals("127.0.0.1:4000", m.objects().get("l").attr("local"));
        assertEquals(SocketName.path("/tmp/g.file"), m.objects().get("g").address());
        assertEquals("/tmp/g.file (deleted)", m.ends().get(1).attr("link"));
        assertEquals("0", m.ends().get(1).attr("nlink"));
        TopologyException e = assertThrows(TopologyException.class,
                () -> TopologyManifest.parse(List.of("director 1", "proc a 2 - junk", "ready")));
        assertTrue(e.getMessage().contains("key=value"), e.getMessage());
    }

    @Test
    void rejectsBrokenManifests() {
        TopologyException e = assertThrows(TopologyException.class,
                () -> TopologyManifest.parse(List.of("director 1", "proc a x -", "ready")));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        e = assertThrows(TopologyException.class, () -> TopologyManifest.parse(List.of("director 1", "proc a 2 -")));
        assertTrue(e.getMessage().contains("without 'ready'"), e.getMessage());
        e = assertThrows(TopologyException.class,
                () -> TopologyManifest.parse(List.of("director 1", "end x a ghost 2 3 4", "ready")));
        assertTrue(e.getMessage().contains("unknown process ghost"), e.getMessage());
    }
}
