package org.criuatlas.bridge.scan;

import org.criuatlas.model.Holder;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.InetState;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.NamespaceKind;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.ScriptProcs;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A process in a net namespace of its own (unshare -n) holding a TCP listener, a connection to it
 * and a unix socketpair: the scan enters that namespace and sees them with their holders, as
 * {@code nsenter -t PID -n ss -tuanpe} does from inside.
 */
class LiveScannerNetNamespaceTest {
    static final String IN_NETNS = """
            import socket, time
            l = socket.socket(); l.bind(('127.0.0.1', 7000)); l.listen(4); print('listener', l.fileno(), flush=True)
            c = socket.create_connection(('127.0.0.1', 7000)); a, _ = l.accept()
            print('client', c.fileno(), flush=True); print('accepted', a.fileno(), flush=True)
            x, y = socket.socketpair(); print('pair', x.fileno(), flush=True)
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    @Test
    void socketsInAnotherNetNamespaceAreSeenWithTheirHolders() throws Exception {
        Requirements.requireRoot(); // unshare -n and setns need CAP_SYS_ADMIN
        try (ScriptProcs py = ScriptProcs.start(Path.of("target", "scan-tests"), "netns",
                List.of("unshare", "-n", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""), IN_NETNS);
             LiveScanner scanner = new LiveScanner()) {
            IpcGraph g = scanner.scan();
            int pid = py.pid();
            ProcessInfo p = g.process(pid);
            assertNotNull(p);
            long netNs = p.netNs();
            assertNotEquals(g.meta().scanner().net(), netNs, "it lives in a namespace of its own");
            assertTrue(p.namespaces().differentFrom(g.meta().scanner()).contains(NamespaceKind.NET));

            InetSocket listener = g.inetSocket(p.fd(py.intValue("listener")).inode());
            assertNotNull(listener, "its listener is seen: " + g.problems());
            assertEquals(InetState.LISTEN, listener.state());
            assertEquals("127.0.0.1:7000", listener.local().display());
            assertEquals(netNs, listener.netNs());
            assertEquals(List.of(new Holder(pid, py.intValue("listener"))), listener.holders());
            InetSocket client = g.inetSocket(p.fd(py.intValue("client")).inode());
            assertEquals(p.fd(py.intValue("accepted")).inode(), client.peer(), "a connection inside that namespace is a peer pair");
            UnixSocket pair = g.socket(p.fd(py.intValue("pair")).inode());
            assertNotNull(pair, "its unix sockets are seen too");
            assertEquals(netNs, pair.netNs());
            assertNotEquals(0, pair.peer());
            for (ScanProblem pr : g.problems()) {
                assertFalse(pr.what().contains(Long.toString(netNs)), "no problem about that namespace: " + pr);
                assertFalse(pr.pid() == pid, "no problem about the process: " + pr);
            }

            // the same from inside, by ss
            Process ss = new ProcessBuilder("nsenter", "-t", Integer.toString(pid), "-n", "ss", "-tuanpe").redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, ss.waitFor(), out);
            List<SsInet.Row> rows = SsInet.parse(out);
            assertEquals(3, rows.size(), out);
            for (SsInet.Row r : rows) {
                InetSocket s = g.inetSocket(r.ino());
                assertNotNull(s, r.line());
                assertEquals(r.state(), s.state().ssLabel);
                assertEquals(r.local(), SsInet.endpoint(s.local()));
                assertEquals(r.peer(), SsInet.endpoint(s.remote()));
                assertEquals(r.holders(), s.holders().stream().map(h -> h.pid() + "/" + h.fd()).toList());
            }
        }
    }
}
