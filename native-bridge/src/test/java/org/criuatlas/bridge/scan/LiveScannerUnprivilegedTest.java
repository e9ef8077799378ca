package org.criuatlas.bridge.scan;

import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.ScriptProcs;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A scan run as an unprivileged user (nobody, through setpriv) meets the kernel's refusals for
 * real: another user's process (EACCES, hidden and counted), a process of its own that made itself
 * non-dumpable (its fd table refused: EACCES), and a process of its own in a net namespace of its
 * own, which only CAP_SYS_ADMIN may enter (setns: EPERM). Each becomes a problem with its reason;
 * none is silently dropped and none is an exception.
 */
class LiveScannerUnprivilegedTest {
    static final String LISTEN = """
            import socket, time
            l = socket.socket(); l.bind(('127.0.0.1', 7001)); l.listen(1); print('listener', l.fileno(), flush=True)
            print('ready', flush=True)
            while True: time.sleep(1)
            """;
    static final String UNDUMPABLE = """
            import ctypes, os, time
            r, w = os.pipe()
            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)   # PR_SET_DUMPABLE 0: /proc/PID/fd now belongs to root
            print('ready', flush=True)
            while True: time.sleep(1)
            """;
    static final String ROOTS_OWN = """
            import time
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    @Test
    void refusalsOfTheKernelBecomeProblemsWithTheirReasons() throws Exception {
        Requirements.requireRoot(); // to start processes as nobody and in a namespace of their own
        Path dir = Path.of("target", "scan-tests", "unpriv").toAbsolutePath();
        Path tmp = dir.resolve("tmp");
        Files.createDirectories(tmp);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        nobodyCanEnter(asNobody, dir);
        List<String> netnsAsNobody = new ArrayList<>(List.of("unshare", "-n"));
        netnsAsNobody.addAll(asNobody);
        try (ScriptProcs root = ScriptProcs.start(dir, "roots-own", ROOTS_OWN);
             ScriptProcs undumpable = ScriptProcs.start(dir, "undumpable", asNobody, UNDUMPABLE);
             ScriptProcs netns = ScriptProcs.start(dir, "netns", netnsAsNobody, LISTEN)) {
            List<String> out = scanAsNobody(tmp);
            assertTrue(out.contains("privileged false"), String.join("\n", out));

            // another user's process: not shown, and counted
            assertFalse(out.contains("process " + root.pid() + " true"), "root's process is hidden");
            assertTrue(has(out, "NO_PERMISSION 0 processes of other users", "not shown: no permission"), String.join("\n", out));

            // its own non-dumpable process: listed, its fds refused with EACCES
            assertTrue(out.contains("process " + undumpable.pid() + " false"), String.join("\n", out));
            assertTrue(has(out, "NO_PERMISSION " + undumpable.pid() + " fds", "EACCES"), String.join("\n", out));

            // its own process in a net namespace it may not enter
            assertTrue(out.contains("process " + netns.pid() + " true"), String.join("\n", out));
            assertTrue(has(out, "NAMESPACE_NOT_ENTERED " + netns.pid() + " sockets in net namespace", "EPERM"), String.join("\n", out));
            assertTrue(has(out, "NAMESPACE_NOT_ENTERED " + netns.pid(), "held by 1 process(es): [" + netns.pid() + "]"));
            String link = Files.readSymbolicLink(Path.of("/proc", "" + netns.pid(), "fd", netns.value("listener"))).toString();
            String ino = link.substring(link.indexOf('[') + 1, link.indexOf(']'));
            assertFalse(out.contains("inet " + ino), "what it could not read, it does not make up");
            assertTrue(out.stream().noneMatch(l -> l.startsWith("problem UNSUPPORTED " + netns.pid() + " sockets")),
                    "its socket is covered by the namespace problem, not called unknown");
        }
    }

    /**
     * The scripts and classes run as nobody live in this checkout: a checkout under a folder nobody may not enter (a 0700
     * {@code mktemp -d}) would fail later as "Could not find or load main class"; this says why instead.
     */
    private static void nobodyCanEnter(List<String> asNobody, Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(asNobody);
        cmd.addAll(List.of("test", "-x", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "setpriv test -x finished");
        if (p.exitValue() == 0) return;
        StringBuilder closed = new StringBuilder();
        for (Path a = dir; a != null; a = a.getParent()) {
            if (Files.isDirectory(a) && !PosixFilePermissions.toString(Files.getPosixFilePermissions(a)).endsWith("x"))
                closed.insert(0, " " + a + " (" + PosixFilePermissions.toString(Files.getPosixFilePermissions(a)) + ")");
        }
        fail("this test runs a scan as nobody (uid 65534) from the checkout, but nobody cannot enter " + dir
                + "; folders others may not enter:" + closed + ". Run the tests from a checkout every user can traverse"
                + " (a 0700 folder such as one from mktemp -d is not)");
    }

    private static boolean has(List<String> out, String head, String reasonPart) {
        return out.stream().anyMatch(l -> l.startsWith("problem " + head) && l.contains(reasonPart));
    }

    /** Runs {@link UnprivilegedScanMain} as nobody with a class path nobody can read (classes here, JNA copied beside). */
    private static List<String> scanAsNobody(Path tmp) throws Exception {
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath();
            if (Files.isDirectory(p)) {
                cp.add(p.toString());
            } else if (p.getFileName().toString().startsWith("jna-")) {
                Path copy = tmp.resolve(p.getFileName());
                Files.copy(p, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                cp.add(copy.toString());
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java,
                "-Djava.io.tmpdir=" + tmp, "-Djna.tmpdir=" + tmp, "-cp", String.join(File.pathSeparator, cp),
                UnprivilegedScanMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the unprivileged scan finished");
        assertEquals(0, p.exitValue(), text);
        return List.of(text.split("\n"));
    }
}
