package org.criuatlas.bridge.scan;

import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.InetProtocol;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.InetState;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RemoteEndpoint;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.ScriptProcs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The scan's TCP and UDP sockets against {@code ss -tuanpe} (ss -tuanp plus inodes) taken right
 * before and right after it: every socket ss reports identically both times must agree with the
 * scan on inode, state, both endpoints and holders. A python process and its child hold TCP
 * sockets in most states (listen, established, close-wait, fin-wait-2, syn-sent to a listener whose
 * accept queue is full, time-wait, a connection waiting to be accepted, IPv4 and IPv6, a dual-stack
 * listener) and UDP ones.
 */
class LiveScannerVersusSsInetTest {
    static final String INET_STATES = """
            import os, socket, sys, time
            def show(name, s): print(name, s.fileno(), flush=True)
            l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(16); show('listener', l)
            port = l.getsockname()[1]; print('port', port, flush=True)
            c = socket.create_connection(('127.0.0.1', port)); a, _ = l.accept(); show('client', c); show('accepted', a)
            c.send(b'abc')
            c2 = socket.create_connection(('127.0.0.1', port)); a2, _ = l.accept()
            c2.shutdown(socket.SHUT_WR); show('finwait2', c2); show('closewait', a2)
            c3 = socket.create_connection(('127.0.0.1', port)); a3, _ = l.accept()
            c3.close(); time.sleep(0.05); a3.close()   # c3's side ends in TIME-WAIT, no inode
            xc = socket.create_connection(('127.0.0.1', port)); xa, _ = l.accept(); show('crossclient', xc); show('crossaccepted', xa)
            pend = socket.create_connection(('127.0.0.1', port)); show('pending', pend)   # never accepted
            l6 = socket.socket(socket.AF_INET6); l6.bind(('::1', 0)); l6.listen(4); show('listener6', l6)
            c6 = socket.create_connection(('::1', l6.getsockname()[1])); a6, _ = l6.accept(); show('client6', c6)
            d = socket.socket(socket.AF_INET6); d.bind(('::', 0)); d.listen(4); show('dual', d)
            c46 = socket.create_connection(('127.0.0.1', d.getsockname()[1])); a46, _ = d.accept(); show('client46', c46)
            full = socket.socket(); full.bind(('127.0.0.1', 0)); full.listen(0)   # accept queue of one
            f1 = socket.create_connection(full.getsockname())
            s = socket.socket(); s.setblocking(False)
            try:
                s.connect(full.getsockname())          # the queue is full: its SYN is dropped, it stays in SYN-SENT
            except BlockingIOError:
                pass
            show('synsent', s)
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0)); show('udp', u)
            uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(u.getsockname()); show('udpclient', uc)
            u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(('::1', 0)); show('udp6', u6)
            r, w = os.pipe()
            if os.fork() == 0:                          # the child shares the listener and the UDP server,
                xa.close(); os.write(w, b'x')           # and keeps only the client end of one connection
                while True: time.sleep(1)
            xc.close(); os.read(r, 1)                   # the parent keeps the accepted end
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    @Test
    void everyStableTcpAndUdpSocketAgreesWithSs() throws Exception {
        Requirements.requireRoot(); // ss -p shows other users' holders only to root
        try (ScriptProcs py = ScriptProcs.start(Path.of("target", "scan-tests"), "inet-states", INET_STATES);
             LiveScanner scanner = new LiveScanner()) {
            scanner.scan(); // warm: the comparison window should be short
            List<SsInet.Row> before = SsInet.run();
            IpcGraph g = scanner.scan();
            List<SsInet.Row> after = SsInet.run();

            Set<String> afterKeys = new HashSet<>();
            for (SsInet.Row r : after) afterKeys.add(r.key());
            long ownNet = g.meta().scanner().net();
            Map<Long, InetSocket> byIno = new HashMap<>();
            List<String> scanNoInode = new ArrayList<>();
            for (InetSocket s : g.inetSockets()) {
                if (s.netNs() != ownNet || (s.protocol() != InetProtocol.TCP && s.protocol() != InetProtocol.UDP)) continue;
                if (s.ino() != 0) byIno.put(s.ino(), s);
                else scanNoInode.add(rowOf(s));
            }
            int compared = 0;
            List<String> mismatches = new ArrayList<>();
            Set<Long> comparedInodes = new HashSet<>();
            for (SsInet.Row row : before) {
                if (!afterKeys.contains(row.key())) continue; // changed between the two ss runs
                compared++;
                if (row.ino() == 0) {
                    String k = row.netid() + " " + row.state() + " " + row.local() + " " + row.peer();
                    if (!scanNoInode.remove(k)) mismatches.add("inode-less socket missing from the scan: " + row.line().strip());
                    continue;
                }
                comparedInodes.add(row.ino());
                InetSocket s = byIno.get(row.ino());
                if (s == null) {
                    mismatches.add("missing from the scan: " + row.line().strip());
                    continue;
                }
                List<String> holders = s.holders().stream().map(h -> h.pid() + "/" + h.fd()).sorted().toList();
                String ours = rowOf(s) + " " + holders;
                String theirs = row.netid() + " " + row.state() + " " + row.local() + " " + row.peer() + " " + row.holders();
                if (!ours.equals(theirs)) mismatches.add(row.ino() + ": scan " + ours + " / ss " + theirs);
            }
            assertEquals(List.of(), mismatches);

            // the script's sockets were among those compared, in the states it set up
            int pid = py.pid();
            int child = py.tree().stream().filter(p -> p != pid).findFirst().orElseThrow();
            Map<String, InetState> expected = Map.ofEntries(Map.entry("listener", InetState.LISTEN),
                    Map.entry("client", InetState.ESTABLISHED), Map.entry("accepted", InetState.ESTABLISHED),
                    Map.entry("finwait2", InetState.FIN_WAIT2), Map.entry("closewait", InetState.CLOSE_WAIT),
                    Map.entry("pending", InetState.ESTABLISHED), Map.entry("listener6", InetState.LISTEN),
                    Map.entry("client6", InetState.ESTABLISHED), Map.entry("dual", InetState.LISTEN),
                    Map.entry("client46", InetState.ESTABLISHED), Map.entry("udp", InetState.CLOSE),
                    Map.entry("udpclient", InetState.ESTABLISHED), Map.entry("udp6", InetState.CLOSE),
                    Map.entry("synsent", InetState.SYN_SENT));
            ProcessInfo p = g.process(pid);
            for (Map.Entry<String, InetState> e : expected.entrySet()) {
                int fd = py.intValue(e.getKey());
                long ino = p.fd(fd).inode();
                assertEquals(FdKind.SOCKET, p.fd(fd).kind());
                InetSocket s = g.inetSocket(ino);
                assertNotNull(s, e.getKey() + " (fd " + fd + ") is in the scan");
                assertEquals(e.getValue(), s.state(), e.getKey());
                assertTrue(comparedInodes.contains(ino), e.getKey() + " was compared with ss");
                assertTrue(s.holders().contains(new Holder(pid, fd)), e.getKey());
            }
            assertTrue(g.inetSocket(p.fd(py.intValue("listener")).inode()).holders().contains(new Holder(child, py.intValue("listener"))),
                    "the forked child shares the listener");
            // a connection between two processes is a peer edge between them, like a unix socketpair
            InetSocket cross = g.inetSocket(p.fd(py.intValue("crossaccepted")).inode());
            assertEquals(List.of(new Holder(pid, py.intValue("crossaccepted"))), cross.holders());
            InetSocket crossPeer = g.peerOf(cross);
            assertEquals(List.of(new Holder(child, py.intValue("crossclient"))), crossPeer.holders());
            assertTrue(g.edges().stream().anyMatch(e -> e.kind() == org.criuatlas.model.GraphEdge.Kind.SOCKET_PEER
                    && java.util.Set.of(e.fromPid(), e.toPid()).equals(java.util.Set.of(pid, child))
                    && java.util.Set.of(e.objectKey(), e.peerKey()).equals(java.util.Set.of(cross.key(), crossPeer.key()))), "peer edge");
            // local connections are peers, the unanswered SYN goes to a remote endpoint
            InetSocket client = g.inetSocket(p.fd(py.intValue("client")).inode());
            assertEquals(p.fd(py.intValue("client")).inode(), g.peerOf(client).peer());
            InetSocket c46 = g.inetSocket(p.fd(py.intValue("client46")).inode());
            assertNotNull(g.peerOf(c46), "IPv4 client of a dual-stack listener");
            assertEquals(g.inetSocket(p.fd(py.intValue("listener")).inode()).ino(),
                    g.inetSocket(p.fd(py.intValue("pending")).inode()).peer(), "not yet accepted: the listener stands for the other end");
            InetSocket syn = g.inetSocket(p.fd(py.intValue("synsent")).inode());
            assertEquals(InetState.SYN_SENT, syn.state());
            assertEquals(0, syn.peer(), "no socket answers it");
            assertTrue(g.remoteEndpoints().stream().anyMatch(r -> r.sockets().contains(syn.ino())
                    && r.endpoint().equals(syn.remote())), g.remoteEndpoints().toString());
            for (RemoteEndpoint r : g.remoteEndpoints()) {
                for (long ino : r.sockets()) assertEquals(0, g.inetSocket(ino).peer(), "a socket with a local peer has no remote endpoint");
            }
            assertTrue(compared >= expected.size(), "compared " + compared);
        }
    }

    /** Our socket as a comparable row: netid, ss state label, endpoints. */
    static String rowOf(InetSocket s) {
        return (s.protocol() == InetProtocol.TCP ? "tcp" : "udp") + " " + s.state().ssLabel + " " + SsInet.endpoint(s.local())
                + " " + SsInet.endpoint(s.remote());
    }
}
