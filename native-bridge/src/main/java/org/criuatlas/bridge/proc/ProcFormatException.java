package org.criuatlas.bridge.proc;

/** A /proc file whose text is not what the kernel writes there. */
public final class ProcFormatException extends RuntimeException {
    private final String file;

    public ProcFormatException(String file, String detail) {
        super("/proc/PID/" + file + ": " + detail);
        this.file = file;
    }

    /** Which /proc/PID file was malformed ("stat", "fdinfo", ...). */
    public String file() { return file; }
}
