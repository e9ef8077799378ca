package org.criuatlas.ui.demos;

import org.criuatlas.bridge.criu.TempDirs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * No demo process outlives the application, however it ends: a JVM that exits without closing the
 * runner (the shutdown hook stops the demos) and a JVM killed with SIGKILL (the topology director
 * sees EOF on its stdin and tears the tree down).
 */
class DemoRunnerCrashTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exit", "wait"})
    void demoProcessesDieWithTheApplication(String how) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DemoCrashProbe.class.getName(), "seed", how).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Integer> pids = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream()));
            String line;
            while ((line = out.readLine()) != null) {
                String[] w = line.split(" ");
                if (w[0].equals("dirs")) for (int i = 1; i < w.length; i++) dirs.add(Path.of(w[i]));
                if (w[0].equals("pids")) {
                    for (int i = 1; i < w.length; i++) pids.add(Integer.parseInt(w[i]));
                    break;
                }
            }
            assertEquals(3, pids.size(), "the seed demo has three processes: " + pids);
            for (int pid : pids) assertTrue(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " runs");
            if (how.equals("wait")) jvm.destroyForcibly(); // SIGKILL: no hook runs
            else {
                jvm.getOutputStream().write("go\n".getBytes());
                jvm.getOutputStream().flush();
            }
            assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the probe JVM ended");
            if (how.equals("exit")) assertEquals(3, jvm.exitValue());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int pid : pids) {
                while (Files.exists(Path.of("/proc/" + pid)) && System.nanoTime() < end) Thread.sleep(20);
                assertFalse(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " outlived the application (" + how + ")");
            }
            if (how.equals("exit")) for (Path d : dirs) assertFalse(Files.exists(d), d + " left behind by the shutdown hook");
        } finally {
            jvm.destroyForcibly();
            // only what still carries a seed demo name is ours (a pid may have been recycled meanwhile)
            for (int pid : pids) {
                Path comm = Path.of("/proc/" + pid + "/comm");
                String name = Files.exists(comm) ? Files.readString(comm).strip() : "";
                if (List.of("app", "worker", "supervisor").contains(name)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            // after SIGKILL no Java code ran: the director removes its socket files, the empty dirs are ours to remove
            for (Path d : dirs) TempDirs.deleteQuietly(d);
        }
    }
}
