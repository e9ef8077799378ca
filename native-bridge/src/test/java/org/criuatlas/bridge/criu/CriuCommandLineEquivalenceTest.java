package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.testing.EchoPair;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Acceptance 8: the rendered command line, run through bash, does what the RPC call does. */
@Tag("criu")
class CriuCommandLineEquivalenceTest {
    @TempDir
    Path tmp;
    Path criu;

    @BeforeEach
    void setUp() {
        criu = TestProcs.criuAsSubreaper();
    }

    /** Runs {@code command} with bash; {@code fds}: fd in bash → our fd. Returns the exit code. */
    private int bash(String command, Map<Integer, Integer> fds, Path output) {
        int[][] placements = fds.entrySet().stream().map(e -> new int[] {e.getValue(), e.getKey()}).toArray(int[][]::new);
        int out = LibC.open(output.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_TRUNC | LibC.O_CLOEXEC, 0644);
        try {
            int pid = PosixSpawn.spawn(new String[] {"/bin/bash", "-c", command}, new String[] {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"},
                    placements, out, true);
            int st = LibC.waitpid(pid, 0);
            assertEquals(0, st & 0x7f, "bash was not killed");
            return (st >> 8) & 0xff;
        } finally {
            LibC.close(out);
        }
    }

    @Test
    void dumpAndRestoreThroughBashMatchRpc() throws Exception {
        int[] fresh = null;
        try (EchoPair pair = EchoPair.start()) {
            var echo = pair.echo;
            long inside = pair.inside, outside = pair.outside;

            // The failing dump: same options, same typed outcome over RPC and through bash.
            CriuOptions plain = CriuOptions.defaults().withPid(echo.pid).withLeaveRunning(true);
            CriuResult rpc;
            try (var s = CriuSession.dump(criu, plain.withImagesDir(tmp.resolve("rpc-fail")), null)) {
                rpc = s.await(Duration.ofSeconds(60));
            }
            assertFalse(rpc.success());
            Path cliFail = tmp.resolve("cli-fail");
            Files.createDirectories(cliFail);
            String failCmd = CriuCommandLine.dump(criu, plain.withImagesDir(cliFail));
            assertNotEquals(0, bash(failCmd, Map.of(), tmp.resolve("fail.out")), failCmd);
            var cliDiag = CriuDiagnoser.diagnose(CriuLogParser.parse(cliFail.resolve("dump.log")), true);
            var rpcExt = rpc.diagnoses().stream().filter(d -> d.kind() == CriuErrorKind.EXTERNAL_SOCKET_USED).toList();
            var cliExt = cliDiag.stream().filter(d -> d.kind() == CriuErrorKind.EXTERNAL_SOCKET_USED).toList();
            assertEquals(1, rpcExt.size());
            assertEquals(1, cliExt.size());
            assertEquals(List.of(inside, outside), rpcExt.get(0).inodes());
            assertEquals(rpcExt.get(0).inodes(), cliExt.get(0).inodes());
            assertEquals("x", TestProcs.roundTrip(pair.ours(), "x", Duration.ofSeconds(5)), "still answering");

            // The seed scenario through bash: dump with --external, restore with --inherit-fd and N<&M.
            Path images = tmp.resolve("img");
            Files.createDirectories(images);
            String dumpCmd = CriuCommandLine.dump(criu, CriuOptions.defaults().withPid(echo.pid).withImagesDir(images)
                    .plusExternal("unix[" + inside + "]"));
            assertTrue(dumpCmd.contains("--external 'unix[" + inside + "]'"), dumpCmd);
            assertEquals(0, bash(dumpCmd, Map.of(), tmp.resolve("dump.out")), () -> dumpCmd + "\n" + read(tmp.resolve("dump.out")));
            assertTrue(TestProcs.waitGone(echo.pid, Duration.ofSeconds(10)));
            pair.closeOurs();

            fresh = UnixSockets.socketpair(LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
            CriuOptions ro = CriuOptions.defaults().withImagesDir(images)
                    .withInheritFds(List.of(new CriuOptions.InheritFd("socket:[" + inside + "]", 10)));
            String restoreCmd = CriuCommandLine.restore(criu, ro, Map.of(10, 20));
            assertTrue(restoreCmd.endsWith("--inherit-fd 'fd[10]:socket:[" + inside + "]' 10<&20"), restoreCmd);
            int rc = bash(restoreCmd, Map.of(20, fresh[1]), tmp.resolve("restore.out"));
            assertEquals(0, rc, () -> restoreCmd + "\n" + read(tmp.resolve("restore.out")) + read(images.resolve("restore.log")));
            LibC.close(fresh[1]);
            assertTrue(TestProcs.alive(echo.pid), "restored with its old pid");
            assertEquals("through bash", TestProcs.roundTrip(fresh[0], "through bash", Duration.ofSeconds(5)));
        } finally {
            if (fresh != null) LibC.close(fresh[0]);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (Exception e) {
            return "";
        }
    }
}
