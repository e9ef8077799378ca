package org.criuatlas.bridge.calibrate;

import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Error lines as CRIU 4.1.1 and 4.2.1 wrote them on this machine (dump logs of the calibration probes). */
class FirstErrorTest {
    @Test
    void masksNumbersAndPathsAndKeepsWhereApart() {
        FirstError e = FirstError.of(CriuLogParser.parse("""
                (00.000184) Version: 4.2.1 (gitid 0)
                (00.481975) Error (criu/cr-dump.c:478): Task 7559 with SysVIPC shmem map @7f72779e5000 doesn't live in IPC ns
                (00.482001) Error (criu/cr-dump.c:1975): Dumping FAILED.
                """));
        assertEquals("Task N with SysVIPC shmem map @N doesn't live in IPC ns", e.text());
        assertEquals("criu/cr-dump.c:478", e.where());
        assertEquals("criu/cr-dump.c", e.file());
        assertEquals("Error (criu/cr-dump.c:478): Task 7559 with SysVIPC shmem map @7f72779e5000 doesn't live in IPC ns", e.raw());
        assertEquals("Error (criu/cr-dump.c:478): Task N with SysVIPC shmem map @N doesn't live in IPC ns", e.line());
    }

    @Test
    void masksTheShapesCriuUses() {
        assertEquals("sockets: Can't get N:N opt: Operation not supported", FirstError.mask("sockets: Can't get 1:16 opt: Operation not supported"));
        assertEquals("inet: In-flight connection (l) for N", FirstError.mask("inet: In-flight connection (l) for 1da6f5"));
        assertEquals("Can't dump ghost file PATH of N size, increase limit",
                FirstError.mask("Can't dump ghost file /tmp/atlas-topo-1/F.file of 2097152 size, increase limit"));
        assertEquals("Can't create link remap for PATH. Use link-remap option.",
                FirstError.mask("Can't create link remap for /tmp/atlas-topo-1/F.file. Use link-remap option."));
        assertEquals("Can't lookup mount=N for fd=-N path=PATH", FirstError.mask("Can't lookup mount=26 for fd=-3 path=/tmp/x/atlas-topo"));
        assertEquals("Can't dump file N of that type [N] (anon anon_inode:[perf_event])",
                FirstError.mask("Can't dump file 3 of that type [600] (anon anon_inode:[perf_event])"));
        assertEquals("inet: Connected TCP socket, consider using --tcp-established option.",
                FirstError.mask("inet: Connected TCP socket, consider using --tcp-established option."));
        assertEquals("Unseizable non-zombie N found, state S, err -N/N", FirstError.mask("Unseizable non-zombie 12189 found, state S, err -1/10"));
    }

    @Test
    void skipsTheLineEvery411RunLogsAndKeepsPieLinesWhole() {
        FirstError e = FirstError.of(CriuLogParser.parse("""
                (00.028961) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted
                (00.412000) pie: 9854: Error (criu/pie/parasite.c:588): send_fds failed (-22)
                """));
        assertEquals("send_fds failed (-N)", e.text());
        assertEquals("criu/pie/parasite.c:588", e.where());
        assertEquals("pie: 9854: Error (criu/pie/parasite.c:588): send_fds failed (-22)", e.raw());
        assertNull(FirstError.of(CriuLogParser.parse("(00.1) Dumping finished successfully\n")));
    }
}
