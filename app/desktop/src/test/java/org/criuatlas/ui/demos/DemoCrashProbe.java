package org.criuatlas.ui.demos;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM by {@link DemoRunnerCrashTest}: starts a demo, prints its pids, then ends the
 * way a window might: {@code exit} (System.exit without closing the runner: the shutdown hook must
 * clean up) or {@code wait} (sleeps until the test kills the JVM with SIGKILL: the topology
 * director's stdin EOF must clean up).
 */
public final class DemoCrashProbe {
    public static void main(String[] args) throws Exception {
        Demo demo = DemoCatalog.byId(args[0]).orElseThrow();
        DemoRunner runner = new DemoRunner();
        StartedDemo s = runner.start(demo).get(60, TimeUnit.SECONDS);
        StringBuilder line = new StringBuilder("pids");
        for (int pid : s.knownPids()) line.append(' ').append(pid);
        System.out.println("dirs " + s.socketDir() + " " + s.workDir());
        System.out.println(line);
        System.out.flush();
        if (args[1].equals("exit")) {
            new BufferedReader(new InputStreamReader(System.in)).readLine(); // the test has seen the pids run
            System.exit(3);
        }
        Thread.sleep(600_000);
    }
}
