package org.criuatlas.cli;

import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The environment a real criu receives, read from the kernel: {@code criu-atlas check} runs in a JVM
 * whose environment has {@code LD_LIBRARY_PATH}, {@code LD_BIND_NOW}, {@code CRIU_LIBS_DIR} and a
 * stray {@code CRIU_*}; {@code CRIU_ATLAS_CRIU} points at a wrapper that copies its own
 * {@code /proc/$$/environ} (what execve gave it) and its parent's (the JVM's) before it runs the real
 * criu. The JVM has them, criu (both {@code --version} and {@code swrk}) does not.
 */
@Tag("criu")
class ChildEnvironmentCriuTest {
    @Test
    void criuGetsNoLoaderOrCriuVariablesEvenWhenTheJvmHasThem() throws Exception {
        Path real = Requirements.requireCriu();
        Path tmp = Path.of("target", "trust-tests", "child-environment").toAbsolutePath();
        if (Files.exists(tmp)) try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Path envs = Files.createDirectories(tmp.resolve("envs"));
        Path w = tmp.resolve("criu-wrapper");
        Files.writeString(w, "#!/bin/sh\n"
                + "tr '\\000' '\\n' < /proc/$$/environ > '" + envs + "'/criu.$$.\"$1\"\n"
                + "tr '\\000' '\\n' < /proc/$PPID/environ > '" + envs + "'/parent.$$.\"$1\"\n"
                + "exec '" + real + "' \"$@\"\n");
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcriuatlas.stateDir=" + tmp.resolve("state"), "-cp", System.getProperty("java.class.path"), "org.criuatlas.Main", "check"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CRIU_ATLAS_CRIU", w.toString());
        pb.environment().put("LD_LIBRARY_PATH", tmp.resolve("no-libs").toString());
        pb.environment().put("LD_BIND_NOW", "1");
        pb.environment().put("CRIU_LIBS_DIR", tmp.resolve("plugins").toString());
        pb.environment().put("CRIU_SOMETHING", "x");
        pb.environment().put("LANG", "C.UTF-8");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(90, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);

        List<Path> criuEnvs, parentEnvs;
        try (Stream<Path> s = Files.list(envs)) {
            List<Path> all = s.sorted().toList();
            criuEnvs = all.stream().filter(f -> f.getFileName().toString().startsWith("criu.")).toList();
            parentEnvs = all.stream().filter(f -> f.getFileName().toString().startsWith("parent.")).toList();
        }
        assertTrue(criuEnvs.stream().anyMatch(f -> f.toString().endsWith(".swrk")), "criu swrk ran: " + criuEnvs);
        for (Path f : parentEnvs) {
            List<String> jvm = Files.readAllLines(f);
            assertTrue(jvm.contains("LD_BIND_NOW=1") && jvm.stream().anyMatch(l -> l.startsWith("CRIU_LIBS_DIR=")),
                    "the JVM had them: " + f);
        }
        for (Path f : criuEnvs) {
            List<String> env = Files.readAllLines(f);
            for (String line : env) {
                assertFalse(line.startsWith("LD_") || line.startsWith("CRIU_"), f.getFileName() + " has " + line);
            }
            assertTrue(env.contains("LANG=C.UTF-8"), "the locale passes: " + env);
            assertTrue(env.contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), "root's criu gets the system PATH: " + env);
            System.out.println(f.getFileName() + ": " + env.size() + " variables: "
                    + env.stream().map(l -> l.substring(0, Math.max(0, l.indexOf('=')))).toList());
        }
    }
}
