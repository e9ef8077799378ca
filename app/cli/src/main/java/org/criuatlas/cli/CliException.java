package org.criuatlas.cli;

/**
 * An expected failure of a command (bad pid, missing folder, no root, no criu, ...): the command line
 * prints its message as one line on stderr, without a stack trace, and exits with its code.
 */
public final class CliException extends RuntimeException {
    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() { return exitCode; }
}
