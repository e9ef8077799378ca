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

    private static void assumeNotATerminal(String fd0) {
        org.junit.jupiter.api.Assumptions.assumeFalse(fd0.startsWith("/dev/pts/") || fd0.startsWith("/dev/tty"),
                "the build's stdin is a terminal here");
    }
}
