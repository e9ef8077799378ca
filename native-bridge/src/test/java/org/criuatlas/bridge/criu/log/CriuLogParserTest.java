package org.criuatlas.bridge.criu.log;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Parser and diagnoses on excerpts of real CRIU 4.1.1 logs (CLI runs on this machine). */
class CriuLogParserTest {
    static String fixture(String name) throws IOException {
        try (InputStream in = CriuLogParserTest.class.getResourceAsStream("/criu-logs/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<CriuDiagnosis> diagnose(String name) throws IOException {
        return CriuDiagnoser.diagnose(CriuLogParser.parse(fixture(name)), true);
    }

    static CriuDiagnosis only(List<CriuDiagnosis> ds, CriuErrorKind kind) {
        List<CriuDiagnosis> of = ds.stream().filter(d -> d.kind() == kind).toList();
        assertEquals(1, of.size(), () -> kind + " in " + ds);
        return of.get(0);
    }

    @Test
    void errorLineWithTimestampAndSource() {
        CriuLogLine l = CriuLogParser.parseLine(7, "(00.033815) Error (criu/sk-unix.c:874): unix: External socket is used. Consider using --ext-unix-sk option.");
        assertEquals(Duration.ofNanos(33_815_000), l.time());
        assertEquals(CriuLogLine.Level.ERROR, l.level());
        assertEquals("criu/sk-unix.c", l.sourceFile());
        assertEquals(874, l.sourceLine());
        assertTrue(l.message().startsWith("unix: External socket is used"));
        assertNull(l.taskPid());
    }

    @Test
    void restoreTaskPrefixAndWarnWithTwoSpaces() {
        CriuLogLine l = CriuLogParser.parseLine(1, "(00.036998)  29253: Error (criu/files.c:1221): Unable to open fd=4 id=0xa");
        assertEquals(29253, l.taskPid());
        assertEquals(CriuLogLine.Level.ERROR, l.level());
        assertEquals("Unable to open fd=4 id=0xa", l.message());
        CriuLogLine w = CriuLogParser.parseLine(2, "(00.041984) Warn  (compel/arch/x86/src/lib/infect.c:418): Will restore 30752 with interrupted system call");
        assertEquals(CriuLogLine.Level.WARN, w.level());
        assertEquals("compel/arch/x86/src/lib/infect.c", w.sourceFile());
    }

    @Test
    void pieLinesLongTimesAndUntimedLines() {
        CriuLogLine p = CriuLogParser.parseLine(1, "(00.082803) pie: 11753: Switched to the restorer 11753");
        assertTrue(p.pie());
        assertEquals(11753, p.taskPid());
        assertEquals("Switched to the restorer 11753", p.message());
        CriuLogLine t = CriuLogParser.parseLine(2, "(123.45678) Dumping finished successfully");
        assertEquals(Duration.ofSeconds(123).plusNanos(456_780_000), t.time());
        CriuLogLine plain = CriuLogParser.parseLine(3, "Error (criu/files.c:1598): Can't fstat inherit fd 50: Bad file descriptor");
        assertNull(plain.time());
        assertEquals(CriuLogLine.Level.ERROR, plain.level());
        CriuLogLine info = CriuLogParser.parseLine(4, "(00.036239) unix:  `- Got id 0xa ino 322741 type SOCK_STREAM state TCP_ESTABLISHED peer 322740 (name - dir -)");
        assertEquals(List.of(322741L), info.inodes());
        assertEquals(CriuLogLine.Level.INFO, info.level());
    }

    @Test
    void oddInputNeverThrows() {
        for (String s : List.of("", "(", "(00.0", "      : x", "Error (", "pie: x: y", "(1.2) 99999999999999999999: z",
                "unix[99999999999999999999999]", "\u0000\u00ff"))
            assertNotNull(CriuLogParser.parseLine(1, s));
    }

    @Test
    void externalSocketUsedNamesBothInodes() throws IOException {
        List<CriuDiagnosis> ds = diagnose("dump-external-socket.txt");
        CriuDiagnosis d = only(ds, CriuErrorKind.EXTERNAL_SOCKET_USED);
        assertEquals(322741L, d.dumpedInode(), "peer_ino of the Runaway line is the dumped task's socket");
        assertEquals(322740L, d.outsideInode());
        assertTrue(d.fix().contains("--external unix[322741]"), d.fix());
        assertEquals(1, ds.size(), "the RLIMIT noise and 'Dumping FAILED' are not diagnoses: " + ds);
    }

    @Test
    void halfOfAStreamConnection() throws IOException {
        CriuDiagnosis d = only(diagnose("dump-half-stream.txt"), CriuErrorKind.HALF_STREAM_CONNECTION);
        assertEquals(322741L, d.dumpedInode());
        assertEquals(322740L, d.outsideInode());
        assertTrue(d.what().contains("(null)"), d.what());
    }

    @Test
    void namelessDatagramPeer() throws IOException {
        CriuDiagnosis d = only(diagnose("dump-nameless-dgram.txt"), CriuErrorKind.NAMELESS_EXTERNAL_SOCKET);
        assertEquals(322427L, d.dumpedInode());
        assertEquals(322426L, d.outsideInode());
    }

    @Test
    void pidTaken() throws IOException {
        CriuDiagnosis d = only(diagnose("restore-pid-taken.txt"), CriuErrorKind.PID_TAKEN);
        assertEquals(List.of(29253), d.pids());
    }

    @Test
    void externalSocketFoundInImageAndTheFdItCouldNotOpen() throws IOException {
        List<CriuDiagnosis> ds = diagnose("restore-external-in-image.txt");
        CriuDiagnosis d = only(ds, CriuErrorKind.EXTERNAL_SOCKET_IN_IMAGE);
        assertEquals(322741L, d.dumpedInode());
        assertEquals(322740L, d.outsideInode());
        assertTrue(d.fix().contains("socket:[322741]"));
        assertEquals(List.of(29253), d.pids());
        CriuDiagnosis fd = only(ds, CriuErrorKind.UNABLE_TO_OPEN_FD);
        assertTrue(fd.what().contains("fd 4"), fd.what());
    }

    @Test
    void segfaultOfASocketpairEndRestoredWithExtUnixSk() throws IOException {
        CriuDiagnosis d = only(diagnose("restore-segv-ext-unix-sk.txt"), CriuErrorKind.RESTORED_TASK_CRASHED);
        assertEquals(List.of(29253), d.pids());
        assertTrue(d.fix().contains("--inherit-fd"));
    }

    @Test
    void segfaultVariantsFromTheErrata() {
        for (String line : List.of(
                "(00.1) Error (criu/cr-restore.c:1262): 4242 killed by signal 11: Segmentation fault",
                "(00.1) Error (criu/cr-restore.c:1274): 4242 stopped by signal 11: Segmentation fault",
                "(00.1) pie: 4242: Task 4242 killed by signal 11")) {
            List<CriuDiagnosis> ds = CriuDiagnoser.diagnose(List.of(CriuLogParser.parseLine(1, line)), true);
            assertEquals(CriuErrorKind.RESTORED_TASK_CRASHED, ds.get(0).kind(), line);
            assertEquals(List.of(4242), ds.get(0).pids(), line);
        }
    }

    @Test
    void shellJobFromADanglingTtyAndFromAnOutsidePtyMaster() throws IOException {
        CriuDiagnosis d = only(diagnose("dump-dangling-tty.txt"), CriuErrorKind.DANGLING_TTY);
        assertTrue(d.fix().contains("--shell-job"));
        assertEquals(List.of(30751, 30751), d.pids());
        only(diagnose("dump-pty-master-outside.txt"), CriuErrorKind.TTY_WITHOUT_MASTER);
        List<CriuDiagnosis> leader = CriuDiagnoser.diagnose(List.of(CriuLogParser.parseLine(1,
                "(00.01) Error (criu/cr-restore.c:2100): The root process 77 is not a session leader. Consider using --shell-job option")), true);
        assertEquals(CriuErrorKind.NOT_SESSION_LEADER, leader.get(0).kind());
        assertTrue(leader.get(0).kind().shellJob());
        assertEquals(List.of(77), leader.get(0).pids());
    }

    @Test
    void tooManyPipes() throws IOException {
        only(diagnose("dump-oom-pipes.txt"), CriuErrorKind.TOO_MANY_PIPES);
    }

    @Test
    void badInheritFdFromCriuStderr() throws IOException {
        CriuDiagnosis notOpen = only(diagnose("restore-inherit-fd-not-open.stderr.txt"), CriuErrorKind.BAD_INHERIT_FD);
        assertTrue(notOpen.what().contains("Fd 50"), notOpen.what());
        CriuDiagnosis malformed = only(diagnose("restore-inherit-fd-malformed.stderr.txt"), CriuErrorKind.BAD_INHERIT_FD);
        assertTrue(malformed.what().contains("socket[322741]"));
        assertTrue(malformed.fix().contains("socket:[INO]"));
    }

    @Test
    void unexplainedFailureBecomesOtherErrorButSuccessIsQuiet() {
        List<CriuLogLine> lines = CriuLogParser.parse("""
                (00.028961) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted
                (00.030000) Error (criu/mount.c:100): mnt: Something new went wrong
                (00.030100) Error (criu/cr-dump.c:2111): Dumping FAILED.
                """);
        List<CriuDiagnosis> ds = CriuDiagnoser.diagnose(lines, true);
        assertEquals(1, ds.size());
        assertEquals(CriuErrorKind.OTHER_ERROR, ds.get(0).kind());
        assertTrue(ds.get(0).what().contains("Something new went wrong"));
        assertEquals(2, ds.get(0).logLine());
        assertTrue(CriuDiagnoser.diagnose(lines.subList(0, 1), false).isEmpty());
    }
}
