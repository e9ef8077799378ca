package org.criuatlas.plan.restore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * How a dump's images meet the machine before a restore: what on the machine now stands in the way
 * (a pid in use, a socket path gone or taken, a file missing or changed), how each restore
 * obligation would be wired, and what will look different afterwards. Made by {@link RestorePreviewer}.
 *
 * @param imagesDir  the image directory
 * @param dumpedAt   when CRIU wrote the images, null when unknown
 * @param host       the machine compared against
 * @param processes  how many processes the dump holds
 * @param conflicts  what stands in the way, blocking ones first
 * @param wiring     how each obligation would be handed to the restore (the restore board's defaults)
 * @param afterwards what will differ from the dumped state even when the restore succeeds
 */
public record RestorePreview(Path imagesDir, Instant dumpedAt, String host, int processes, List<Conflict> conflicts,
                             List<Wired> wiring, List<String> afterwards) {
    public RestorePreview {
        conflicts = List.copyOf(conflicts);
        wiring = List.copyOf(wiring);
        afterwards = List.copyOf(afterwards);
    }

    /** What a conflict is about. */
    public enum Kind {
        /** A pid of the image belongs to a live process: CRIU restores processes with their own pids. */
        PID_TAKEN,
        /** A peer outside the dump was reached by this path; nothing is there now, so a reconnect by name fails. */
        SOCKET_PATH_MISSING,
        /** A socket of the dump was bound to this path and something exists there now. */
        SOCKET_PATH_EXISTS,
        /** A file the processes had open is not there. */
        FILE_MISSING,
        /** A regular file has another size than at dump time (CRIU checks the size and refuses). */
        FILE_SIZE_CHANGED,
        /** An ELF file (a program, a library) has another build-id than at dump time: CRIU refuses it ("has bad build-ID"). */
        FILE_BUILD_ID_CHANGED,
        /** A regular file was modified after the dump (same size: CRIU reopens it, the contents may differ). */
        FILE_MODIFIED
    }

    /** How bad it is: BLOCKS makes the restore fail as things stand; WARNS lets it run with a difference. */
    public enum Severity { BLOCKS, WARNS }

    /**
     * One thing that stands in the way.
     *
     * @param kind     what it is about
     * @param severity whether the restore fails because of it
     * @param subject  the pid, path or key concerned
     * @param image    what the image says (e.g. "python3 (pid 412)")
     * @param live     what the machine has now (e.g. "python3 -c ... (pid 412, state S)")
     * @param pids     the image's processes concerned (to mark in the graph)
     * @param advice   what to do about it
     */
    public record Conflict(Kind kind, Severity severity, String subject, String image, String live, List<Integer> pids,
                           String advice) {
        public Conflict {
            pids = List.copyOf(pids);
        }
    }

    /**
     * An obligation and the wiring a restore would use.
     *
     * @param key         the image object, {@code socket:[INO]} / {@code pipe:[INO]}
     * @param object      the object in words
     * @param argument    the {@code --inherit-fd} argument
     * @param destination where the other end goes
     */
    public record Wired(String key, String object, String argument, String destination) {}

    public boolean blocked() {
        return conflicts.stream().anyMatch(c -> c.severity() == Severity.BLOCKS);
    }

    public List<Conflict> conflicts(Kind kind) {
        return conflicts.stream().filter(c -> c.kind() == kind).toList();
    }
}
