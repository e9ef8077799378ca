package org.criuatlas.bridge.os;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class TerminalTest {
    @Test
    void theForegroundGroupIsReadAfterTheCommandName() {
        // pid (comm) state ppid pgrp session tty_nr tpgid ...; a command name may hold spaces and parentheses
        assertTrue(Terminal.inForeground("4242 (java) S 4000 4242 4000 34817 4242 4194560 100 0"));
        assertFalse(Terminal.inForeground("4242 (java) S 4000 4242 4000 34817 4100 4194560 100 0"), "another group has the terminal");
        assertTrue(Terminal.inForeground("77 (a b) c) R 1 77 77 34817 77 0"));
        assertFalse(Terminal.inForeground("77 (no tty) S 1 77 77 0 -1 0"), "no controlling terminal: tpgid -1");
    }

    @Test
    void aTestJvmsStdinIsNoTerminalSoReadingItNeverStopsIt() throws Exception {
        String fd0 = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
        assumeNotATerminal(fd0);
        assertFalse(Terminal.readingStdinWouldStop(), "stdin is " + fd0);
    }

    /** Prints what {@link Terminal} says in a process started the way a test needs. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("wouldStop=" + Terminal.readingStdinWouldStop());
        }
    }

    /**
     * Real processes on a real pty ({@code script} from util-linux gives one): in the foreground reading the terminal is
     * safe; as a background job of an interactive shell (job control on) it would stop the process.
     */
    @Test
    void onAPtyTheForegroundMayReadAndABackgroundJobMayNot(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String probe = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' '" + Probe.class.getName() + "'";
        Path fg = tmp.resolve("fg.txt"), bg = tmp.resolve("bg.txt");
        Path fgJob = tmp.resolve("fg.sh"), bgJob = tmp.resolve("bg.sh");
        Files.writeString(fgJob, probe + " > '" + fg + "' 2>&1\n");
        Files.writeString(bgJob, probe + " > '" + bg + "' 2>&1 &\nwait\n");
        run("script", "-qec", "bash --norc --noprofile -i " + fgJob, "/dev/null");
        run("script", "-qec", "bash --norc --noprofile -i " + bgJob, "/dev/null");
        assertEquals("wouldStop=false", Files.readString(fg).strip(), "in the foreground of its pty");
        assertEquals("wouldStop=true", Files.readString(bg).strip(), "a background job of an interactive shell on its pty");
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), String.join(" ", cmd));
    }

    private static void assumeNotATerminal(String fd0) {
        org.junit.jupiter.api.Assumptions.assumeFalse(fd0.startsWith("/dev/pts/") || fd0.startsWith("/dev/tty"),
                "the build's stdin is a terminal here");
    }
}
