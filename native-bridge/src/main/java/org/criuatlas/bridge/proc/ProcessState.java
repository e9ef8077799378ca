package org.criuatlas.bridge.proc;

/**
 * The state letter of /proc/PID/stat in words, as far as CRIU Atlas cares: whether the process still
 * runs, is stopped (by a signal or a tracer: a dump that died could leave it so) or has ended.
 */
public enum ProcessState {
    RUNNING, SLEEPING, DISK_SLEEP, STOPPED, TRACED, ZOMBIE, DEAD, IDLE, OTHER;

    /** From the letter in /proc/PID/stat (proc_pid_stat(5)). */
    public static ProcessState of(char letter) {
        return switch (letter) {
            case 'R' -> RUNNING;
            case 'S' -> SLEEPING;
            case 'D' -> DISK_SLEEP;
            case 'T' -> STOPPED;
            case 't' -> TRACED;
            case 'Z' -> ZOMBIE;
            case 'X', 'x' -> DEAD;
            case 'I' -> IDLE;
            default -> OTHER;
        };
    }

    /** Stopped by a signal or held by a tracer: it will not run until continued or released. */
    public boolean stopped() { return this == STOPPED || this == TRACED; }

    /** Ended: a zombie waiting for its parent, or dead. */
    public boolean ended() { return this == ZOMBIE || this == DEAD; }

    /** Neither ended nor stopped. */
    public boolean alive() { return !ended(); }
}
