package org.criuatlas.cli;

import org.criuatlas.bridge.os.Processes;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12's security acceptance on the command line, against real CRIU and checked with other
 * tools: the folder of a real dump is 0700 ({@code stat}) and user {@code nobody} cannot read its
 * pages ({@code runuser -u nobody -- cat}, with a control file nobody can read next to it); a restore
 * from a folder chowned to nobody exits 10 and never starts criu (a wrapper criu records every start);
 * a pre-made 0777 folder is refused for a dump. Folders live under target/ (a JUnit temp folder is
 * 0700, which nobody could not enter anyway, so it would prove nothing).
 */
@Tag("criu")
class TrustCliTest {
    private Path tmp;

    @BeforeEach
    void folder(TestInfo info) throws IOException {
        tmp = Path.of("target", "trust-tests", info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        if (Files.exists(tmp)) try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Files.createDirectories(tmp);
    }

    record Result(int exit, String out) {}

    static Result exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), List.of(cmd) + " did not end");
        return new Result(p.exitValue(), out.trim());
    }

    /** A lone process in its own session (CRIU dumps it as it is); its pid. */
    private int lone() throws Exception {
        Path pidFile = tmp.resolve("pid");
        exec("setsid", "-f", "sh", "-c", "echo $$ > " + pidFile + "; exec sleep 600 </dev/null >/dev/null 2>&1");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        return Integer.parseInt(Files.readString(pidFile).trim());
    }

    /** A criu that writes one line per start into {@code log}, then runs the real one. */
    private Path recordingCriu(Path log) throws IOException {
        Path real = Requirements.requireCriu();
        Path w = tmp.resolve("criu-wrapper");
        Files.writeString(w, "#!/bin/sh\necho \"$$ $*\" >> '" + log + "'\nexec '" + real + "' \"$@\"\n");
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
        return w;
    }

    /** {@code criu-atlas ARGS} in a fresh JVM with {@code env} added. */
    private Result main(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcriuatlas.stateDir=" + tmp.resolve("state"), "-cp", System.getProperty("java.class.path"), "org.criuatlas.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "criu-atlas " + String.join(" ", args) + " did not end");
        return new Result(p.exitValue(), out);
    }

    @Test
    void aRealDumpFolderIs0700AndNobodyCannotReadItsPagesThenChownedToNobodyItIsRefusedWithoutCriu() throws Exception {
        Requirements.requireCriu();
        int pid = lone();
        Path images = tmp.resolve("dump");
        try {
            CliRun.Result dump = CliRun.run("dump", "--pid", "" + pid, "--images", images.toString());
            assertEquals(0, dump.exit(), dump.out() + dump.err());
        } finally {
            Processes.signal(pid, Processes.Signal.KILL);
            Processes.awaitEnd(pid, Duration.ofSeconds(10));
        }
        assertEquals("700 root", exec("stat", "-c", "%a %U", images.toString()).out());
        Path pages = images.resolve("pages-1.img");
        assertTrue(Files.size(pages) > 0, "the dump wrote memory pages");
        System.out.println("dump folder: " + exec("stat", "-c", "%a %U %n", images.toString()).out() + "; pages: "
                + exec("stat", "-c", "%a %U %s bytes", pages.toString()).out());

        // control: nobody can walk to the folder and read a plain file beside it, so only the 0700 stops it
        Path control = Files.writeString(tmp.resolve("control.txt"), "readable\n");
        Result ok = exec("runuser", "-u", "nobody", "--", "cat", control.toString());
        assertEquals(new Result(0, "readable"), ok);
        Result denied = exec("runuser", "-u", "nobody", "--", "cat", pages.toString());
        assertNotEquals(0, denied.exit());
        assertTrue(denied.out().contains("Permission denied"), denied.out());
        Result list = exec("runuser", "-u", "nobody", "--", "ls", images.toString());
        assertNotEquals(0, list.exit(), "nobody cannot even list it: " + list.out());

        // another user's folder: refused with exit 10, and criu never started
        exec("chown", "-R", "nobody", images.toString());
        Path starts = tmp.resolve("criu-starts.log");
        Path criu = recordingCriu(starts);
        Map<String, String> env = Map.of("CRIU_ATLAS_CRIU", criu.toString());
        Result refused = main(env, "restore", "--images", images.toString());
        assertEquals(ExitCode.NOT_TRUSTED.code, refused.exit(), refused.out());
        assertTrue(refused.out().contains("the folder belongs to nobody (uid 65534), not to root"), refused.out());
        assertTrue(refused.out().contains("--trust-folder"), refused.out());
        assertFalse(refused.out().contains("\tat "), "no stack trace: " + refused.out());
        assertFalse(Files.exists(starts), "criu was started: " + (Files.exists(starts) ? Files.readString(starts) : ""));
        System.out.println("restore of nobody's folder: exit " + refused.exit() + ", criu starts: 0; " + refused.out().strip());

        // the same folder with --trust-folder: the gate lets it through and criu is started (the proof that the gate stopped it)
        Result trusted = main(env, "restore", "--images", images.toString(), "--trust-folder");
        assertNotEquals(ExitCode.NOT_TRUSTED.code, trusted.exit(), trusted.out());
        assertTrue(Files.readString(starts).contains("swrk"), Files.readString(starts));
        if (trusted.exit() == 0) { // restored with its old pid: stop it again
            Processes.signal(pid, Processes.Signal.KILL);
            Processes.awaitEnd(pid, Duration.ofSeconds(10));
        }
        System.out.println("restore with --trust-folder: exit " + trusted.exit() + ", criu starts: "
                + Files.readAllLines(starts).size());
    }

    @Test
    void aPremade0777FolderIsRefusedForADump() throws Exception {
        Requirements.requireCriu();
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        int self = (int) ProcessHandle.current().pid();
        CliRun.Result r = CliRun.run("dump", "--pid", "" + self, "--images", open.toString(), "--leave-running");
        assertEquals(ExitCode.NOT_TRUSTED.code, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("writable by other users (mode 0777)"), r.err());
        assertEquals("777", exec("stat", "-c", "%a", open.toString()).out());
        try (Stream<Path> s = Files.list(open)) {
            assertEquals(0, s.count(), "nothing written into it");
        }
    }

    @Test
    void aFolderOwnedByNobodyIsRefusedForADump() throws Exception {
        Requirements.requireCriu();
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        exec("chown", "nobody", theirs.toString());
        int self = (int) ProcessHandle.current().pid();
        CliRun.Result r = CliRun.run("dump", "--pid", "" + self, "--images", theirs.toString(), "--leave-running");
        assertEquals(ExitCode.NOT_TRUSTED.code, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("belongs to nobody"), r.err());
    }
}
