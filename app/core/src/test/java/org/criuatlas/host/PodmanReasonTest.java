package org.criuatlas.host;

import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failed container checkpoint is explained in podman's terms: CRIU's own fix for a connected TCP
 * socket, a refused iptables lock or an in-flight connection names criu options podman does not have
 * ({@code --tcp-close}, {@code --skip-in-flight}); the reason offers only what podman can do. The log
 * lines are CRIU 4.2.1's, as runc's dump.log has them (PodmanTest gets the first from a real checkpoint).
 */
class PodmanReasonTest {
    private static final List<String> PODMAN = List.of("Error: `/usr/sbin/runc checkpoint --image-path /x c1` failed: exit status 1");

    private static String reason(String logLine) {
        return Podman.explain(PODMAN, CriuLogParser.parse(logLine + "\n"), 125);
    }

    @Test
    void aConnectedTcpSocketOffersTcpEstablishedOnly() {
        String r = reason("(00.041385) Error (criu/sk-inet.c:200): inet: Connected TCP socket, consider using --tcp-established option.");
        assertTrue(r.startsWith("A process in the dump holds a connected TCP socket."), r);
        assertTrue(r.contains("podman container checkpoint --tcp-established"), r);
        assertTrue(r.contains("it has no --tcp-close"), r);
        assertFalse(r.contains("or --tcp-close (the connection is closed at restore)"), r);
        assertTrue(r.endsWith("(podman: the runtime failed: exit status 1)"), r);
    }

    @Test
    void aRefusedTcpLockSaysInstallIptables() {
        String r = reason("(00.052210) Error (criu/netfilter.c:105): Iptables configuration failed: No such file or directory");
        assertTrue(r.contains("apt-get install iptables"), r);
        assertFalse(r.contains("dump with --tcp-close"), r);
    }

    @Test
    void anInFlightConnectionDoesNotOfferSkipInFlight() {
        String r = reason("(00.033001) Error (criu/sk-inet.c:185): inet: In-flight connection (l) for 1f3a2");
        assertTrue(r.startsWith("A TCP listener in the dump has a connection waiting in its accept queue."), r);
        assertTrue(r.contains("podman has no --skip-in-flight"), r);
        assertFalse(r.contains("Dump with --skip-in-flight"), r);
    }

    @Test
    void aFixPodmanHasIsKeptAsCriuSaysIt() {
        String r = reason("(00.020004) Error (criu/file-lock.c:110): Some file locks are hold by dumping tasks!");
        assertTrue(r.contains("Dump with --file-locks"), r);
    }
}
