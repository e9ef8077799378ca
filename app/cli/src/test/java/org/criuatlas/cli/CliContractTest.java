package org.criuatlas.cli;

import org.criuatlas.bridge.os.ChildProcess;
import org.criuatlas.bridge.os.Fd;
import org.criuatlas.bridge.os.Processes;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.model.SocketType;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What every command promises: {@code --help} everywhere (exit 0), one documented meaning per exit
 * code, and an expected failure as one line on stderr without a stack trace. The codes are checked on
 * real runs: real processes for {@code plan}, real folders for {@code show}, a real environment without
 * criu, and a criu that never answers.
 */
class CliContractTest {
    @TempDir
    Path tmp;

    @Test
    void everyCommandAndSubcommandAnswersHelpWithExitZero() {
        List<List<String>> paths = new ArrayList<>();
        collect(AtlasCommand.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 14, "all commands found: " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun.Result r = CliRun.run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), args + " --help: " + r.err());
            assertTrue(r.out().startsWith("Usage: criu-atlas"), args + ": " + r.out());
            assertEquals("", r.err(), args + " printed on stderr");
        }
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
        out.add(List.copyOf(prefix));
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(prefix);
            p.add(e.getKey());
            collect(e.getValue(), p, out);
        }
    }

    @Test
    void theExitCodeTableInDocsAndReadmeIsTheEnum() throws IOException {
        Map<Integer, String[]> expected = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            assertNull(expected.put(c.code, new String[] {c.name(), c.meaning}), "one meaning per code: " + c.code);
        }
        Path repo = Path.of(System.getProperty("criuatlas.repo", "../.."));
        for (Path doc : List.of(repo.resolve("docs/exit-codes.md"), repo.resolve("README.md"))) {
            Map<Integer, String[]> table = new LinkedHashMap<>();
            Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\| `([A-Z_]+)` \\| (.*) \\|$").matcher(Files.readString(doc));
            while (m.find()) table.put(Integer.parseInt(m.group(1)), new String[] {m.group(2), m.group(3)});
            assertEquals(expected.keySet(), table.keySet(), doc + ": codes");
            for (var e : expected.entrySet()) assertArrayEquals(e.getValue(), table.get(e.getKey()), doc + ": code " + e.getKey());
        }
    }

    @Test
    void aWrongCommandLineIsAUsageErrorWithoutAStackTrace() {
        CliRun.Result unknown = CliRun.run("plan", "--no-such-option");
        assertEquals(ExitCode.USAGE.code, unknown.exit());
        CliRun.Result missing = CliRun.run("plan");
        assertEquals(ExitCode.USAGE.code, missing.exit());
        assertTrue(missing.err().contains("--pid"), missing.err());
        CliRun.Result badExternal = CliRun.run("plan", "--pid", "1", "--external", "pipe:[5]");
        assertEquals(ExitCode.USAGE.code, badExternal.exit());
        assertTrue(badExternal.err().contains("unix[INO] or INO"), badExternal.err());
        CliRun.Result badInherit = CliRun.run("restore", "--images", tmp.toString(), "--inherit-fd", "socket:[5]");
        assertEquals(ExitCode.USAGE.code, badInherit.exit());
        for (CliRun.Result r : List.of(unknown, missing, badExternal, badInherit)) assertNoStackTrace(r);
    }

    @Test
    void whatDoesNotExistIsNotFound() throws IOException {
        int none = Integer.MAX_VALUE - 11; // above pid_max: never a process
        for (String[] args : List.of(new String[] {"plan", "--pid", "" + none}, new String[] {"scan", "--pid", "" + none},
                new String[] {"dump", "--pid", "" + none, "--images", tmp.resolve("d").toString()},
                new String[] {"show", tmp.resolve("missing").toString()}, new String[] {"show", tmp.toString()},
                new String[] {"restore", "--images", tmp.resolve("missing").toString()})) {
            CliRun.Result r = CliRun.run(args);
            assertEquals(ExitCode.NOT_FOUND.code, r.exit(), Arrays.toString(args) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("criu-atlas " + args[0] + ": "), r.err());
            assertNoStackTrace(r);
        }
    }

    @Test
    void aDamagedImageIsUnreadable() throws IOException {
        Files.write(tmp.resolve("inventory.img"), new byte[] {1, 2, 3});
        CliRun.Result r = CliRun.run("show", tmp.toString());
        assertEquals(ExitCode.UNREADABLE.code, r.exit(), r.err());
        assertTrue(r.err().contains("inventory.img"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void planSaysYesWithZeroAndNoWithThree() throws Exception {
        Path pidFile = tmp.resolve("pid");
        // a lone process in its own session, nothing shared with anyone: CRIU dumps it as it is
        Process p = new ProcessBuilder("setsid", "-f", "sh", "-c", "echo $$ > " + pidFile + "; exec sleep 600")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        int lone = Integer.parseInt(Files.readString(pidFile).trim());
        try (Fd.Pair pair = Fd.socketPair(SocketType.STREAM);
             ChildProcess held = ChildProcess.startShell("exec sleep 600", Map.of("PATH", "/usr/bin:/bin"), pair.second(), null, null)) {
            try {
                CliRun.Result yes = CliRun.run("plan", "--pid", "" + lone);
                assertEquals(ExitCode.OK.code, yes.exit(), yes.out() + yes.err());
                // its stdin is a socketpair end whose peer this JVM (outside the tree) holds: CRIU refuses
                CliRun.Result no = CliRun.run("plan", "--pid", "" + held.pid());
                assertEquals(ExitCode.CHECK_SAYS_NO.code, no.exit(), no.out());
                assertTrue(no.out().contains("External socket is used"), no.out());
                assertEquals("", no.err());
            } finally {
                Processes.signal(lone, Processes.Signal.KILL);
                assertTrue(Processes.awaitEnd(lone, Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void runningCriuNeedsRoot() {
        CliException e = assertThrows(CliException.class, () -> CriuRunOutput.requireRoot("dump", 1000));
        assertEquals(ExitCode.NOT_PERMITTED, e.exitCode());
        assertDoesNotThrow(() -> CriuRunOutput.requireRoot("dump", 0));
        if (LiveProcesses.effectiveUid() != 0) {
            CliRun.Result r = CliRun.run("check");
            assertEquals(ExitCode.NOT_PERMITTED.code, r.exit(), r.err());
        }
    }

    @Test
    void noCriuAndASilentCriuHaveTheirOwnCodes() throws Exception {
        Requirements.requireRoot(); // check runs criu as root
        Path home = Files.createDirectories(tmp.resolve("home"));
        CliRun.Result none = runMain(Map.of("CRIU_ATLAS_CRIU", tmp.resolve("no-criu").toString(), "HOME", home.toString()), "which-criu");
        assertEquals(ExitCode.NO_CRIU.code, none.exit(), none.err());
        assertTrue(none.err().contains("provision-criu.sh"), none.err());

        Path fake = tmp.resolve("criu");
        Files.writeString(fake, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Version: 4.2.1'; exit 0; fi\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        CliRun.Result silent = runMain(Map.of("CRIU_ATLAS_CRIU", fake.toString(), "HOME", home.toString()), "check");
        assertEquals(ExitCode.CRIU_NO_REPLY.code, silent.exit(), silent.out() + silent.err());
        assertEquals(1, silent.err().lines().count(), silent.err());
        assertNoStackTrace(silent);
    }

    /** {@code java org.criuatlas.Main ARGS} in a fresh JVM with {@code env} added (the locator reads the environment). */
    private CliRun.Result runMain(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcriuatlas.stateDir=" + tmp.resolve("state"), "-cp", System.getProperty("java.class.path"), "org.criuatlas.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path out = tmp.resolve("main.out"), err = tmp.resolve("main.err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "criu-atlas " + String.join(" ", args) + " did not end");
        return new CliRun.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void assertNoStackTrace(CliRun.Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception:"), "stack trace on stderr: " + r.err());
    }
}
