package org.criuatlas.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a command in this JVM and keeps what it printed (for tests outside this package). */
public final class CliRun {
    public record Result(int exit, String out, String err) {}

    private CliRun() {}

    /**
     * Runs {@code args} with stdout and stderr kept and an empty stdin: the test JVM's own stdin is surefire's command
     * channel, which a command that reads its stdin (a console joined to the terminal) would corrupt.
     */
    public static synchronized Result run(String... args) {
        PrintStream old = System.out, oldErr = System.err;
        java.io.InputStream oldIn = System.in;
        ByteArrayOutputStream buf = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
        try {
            int exit = AtlasCommand.commandLine(args).execute(args);
            return new Result(exit, buf.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }
}
