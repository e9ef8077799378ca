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

    /**
     * Real CRIU 4.2.1 logs from a machine without the iptables package (2026-12-06): an IPv6 TCP
     * connection dumped with --tcp-established, and a process in its own network namespace.
     */
    @Test
    void networkLockWithoutIptables() throws IOException {
        String tcp = fixture("dump-tcp-lock-no-iptables.txt");
        assertEquals(CriuErrorKind.TCP_LOCK_FAILED, CriuErrorKind.firstIn(List.of(tcp.split("\n"))));
        CriuDiagnosis d = only(diagnose("dump-tcp-lock-no-iptables.txt"), CriuErrorKind.TCP_LOCK_FAILED);
        assertTrue(d.fix().contains("apt-get install iptables"), d.fix());
        String netns = fixture("dump-netns-lock-no-iptables.txt");
        assertEquals(CriuErrorKind.NETWORK_LOCK, CriuErrorKind.firstIn(List.of(netns.split("\n"))));
        only(diagnose("dump-netns-lock-no-iptables.txt"), CriuErrorKind.NETWORK_LOCK);
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

    /** The old regular expressions, kept here as the oracle for the hand-written prefix parser. */
    private static final java.util.regex.Pattern TIME = java.util.regex.Pattern.compile("^\\((\\d+)\\.(\\d+)\\) ");
    private static final java.util.regex.Pattern TASK = java.util.regex.Pattern.compile("^( *)(\\d+): ");
    private static final java.util.regex.Pattern PIE = java.util.regex.Pattern.compile("^pie: (\\d+): ");
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("^(Error|Warn) +\\(([^:()]+):(\\d+)\\): ");

    private static String oracle(String raw) {
        String rest = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        String time = "-", task = "-", level = "INFO", source = "";
        boolean pie = false;
        var m = TIME.matcher(rest);
        if (m.find() && m.group(1).length() <= 18) {
            time = Duration.ofSeconds(Long.parseLong(m.group(1))).plusNanos(Long.parseLong((m.group(2) + "000000").substring(0, 6)) * 1000L).toString();
            rest = rest.substring(m.end());
        }
        m = TASK.matcher(rest);
        if (m.find() && m.group(1).length() + m.group(2).length() >= 6 && m.group(2).length() <= 9) {
            task = m.group(2).replaceFirst("^0+(?=.)", "");
            rest = rest.substring(m.end());
        }
        m = PIE.matcher(rest);
        if (m.find() && m.group(1).length() <= 9) {
            pie = true;
            if (task.equals("-")) task = m.group(1).replaceFirst("^0+(?=.)", "");
            rest = rest.substring(m.end());
        }
        m = TAG.matcher(rest);
        if (m.find() && m.group(3).length() <= 9) {
            level = m.group(1).equals("Error") ? "ERROR" : "WARN";
            source = m.group(2) + ":" + Integer.parseInt(m.group(3));
            rest = rest.substring(m.end());
        }
        return time + "|" + task + "|" + pie + "|" + level + "|" + source + "|" + rest;
    }

    private static String fast(String raw) {
        CriuLogLine l = CriuLogParser.parseLine(1, raw);
        return (l.time() == null ? "-" : l.time().toString()) + "|" + (l.taskPid() == null ? "-" : l.taskPid().toString()) + "|"
                + l.pie() + "|" + l.level() + "|" + l.source() + "|" + l.message();
    }

    @Test
    void handWrittenPrefixParserAgreesWithTheRegularExpressionsOnEveryFixtureLine() throws IOException {
        List<String> lines = new java.util.ArrayList<>(List.of("", "(", "(00.0", "(00.0)", "(00.1)x", "( 1.2) x", "(1.) x",
                "      : x", "     1: x", "    12: x", "1234567: x", "12345: x", "  1234567890: x", "Error (", "Error (a:1): x",
                "Error(a:1): x", "Error  (a:b:1): x", "Warn (a(b):1): x", "Warn   (criu/x.c:12) : x", "Error (x.c:0012): y",
                "pie: 1: x", "pie: 1234567890: x", "pie: x: y", "(1.2) 99999999999999999999: z", "(00.5)   777: pie: 778: Error (f.c:9): m",
                "(00.5) pie: 778: Warn  (f.c:9): m\r", "\u0000\u00ff", "(000000000000000000001.5) x", "(12345678901234567890.1) x"));
        for (String f : List.of("dump-dangling-tty.txt", "dump-external-socket.txt", "dump-half-stream.txt", "dump-nameless-dgram.txt",
                "dump-oom-pipes.txt", "dump-pty-master-outside.txt", "dump-tcp-lock-no-iptables.txt", "dump-netns-lock-no-iptables.txt",
                "restore-external-in-image.txt", "restore-pid-taken.txt",
                "restore-segv-ext-unix-sk.txt", "restore-inherit-fd-malformed.stderr.txt", "restore-inherit-fd-not-open.stderr.txt"))
            lines.addAll(List.of(fixture(f).split("\n")));
        for (String raw : lines) assertEquals(oracle(raw), fast(raw), raw);
    }

    @Test
    void diagnosingOnlyTheLinesThatMayMatterGivesTheSameDiagnoses() throws IOException {
        for (String f : List.of("dump-dangling-tty.txt", "dump-external-socket.txt", "dump-half-stream.txt", "dump-nameless-dgram.txt",
                "dump-oom-pipes.txt", "dump-pty-master-outside.txt", "dump-tcp-lock-no-iptables.txt", "dump-netns-lock-no-iptables.txt",
                "restore-external-in-image.txt", "restore-pid-taken.txt",
                "restore-segv-ext-unix-sk.txt", "restore-inherit-fd-malformed.stderr.txt", "restore-inherit-fd-not-open.stderr.txt")) {
            List<CriuLogLine> all = CriuLogParser.parse(fixture(f));
            List<CriuLogLine> kept = all.stream().filter(CriuDiagnoser::mayMatter).toList();
            assertTrue(kept.size() < all.size() || all.size() < 5, f + ": the filter keeps " + kept.size() + " of " + all.size());
            for (boolean failed : new boolean[] {true, false})
                assertEquals(CriuDiagnoser.diagnose(all, failed), CriuDiagnoser.diagnose(kept, failed), f);
            assertFalse(CriuDiagnoser.diagnose(all, true).isEmpty(), f + " has something to diagnose");
        }
    }

    @Test
    void pieLinesMatterOnlyWhenTheyNameASignal() {
        CriuLogLine crash = CriuLogParser.parseLine(1, "(00.100000) pie: 4242: Task 4242 killed by signal 11");
        CriuLogLine routine = CriuLogParser.parseLine(2, "(00.100001) pie: 4242: Restoring thread 4242");
        assertTrue(CriuDiagnoser.mayMatter(crash));
        assertFalse(CriuDiagnoser.mayMatter(routine));
        assertEquals(List.of(CriuErrorKind.RESTORED_TASK_CRASHED), CriuDiagnoser.diagnose(List.of(crash, routine), true).stream().map(CriuDiagnosis::kind).toList());
        assertTrue(CriuDiagnoser.diagnose(List.of(routine), true).isEmpty());
    }
}
