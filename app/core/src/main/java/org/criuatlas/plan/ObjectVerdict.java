package org.criuatlas.plan;

import java.util.List;

/**
 * The planner's verdict on one object CRIU judges on its own, not as a crossing of the boundary: a
 * TCP connection, a file lock, a SysV segment, an io_uring instance, a namespace, a traced process.
 *
 * @param kind           the calibration kind it is an instance of ({@code tcp-established-peer-outside},
 *                       {@code file-lock-ofd}, ...; the ids of the probe catalogue and docs/dump-rules.md)
 * @param group          network, namespaces, files, ipc, anon, terminals, process
 * @param object         what it is, for people ({@code tcp 127.0.0.1:5000 -> 127.0.0.1:40312 ESTAB})
 * @param pid            the process that holds it (or is it)
 * @param fd             its fd in that process, -1 for objects without one
 * @param withoutHelp    what CRIU does with no option
 * @param fixes          the options that help, and the tempting ones that do not
 * @param withDecisions  what CRIU does with the chosen options
 * @param basis          where the verdict comes from
 * @param basisText      "calibrated against CRIU 4.2.1 on Linux 6.18.44", "rule", or why it cannot tell
 * @param overruled      the measured outcome differs from what the built-in rule says (the measurement won)
 * @param notes          what else matters (at restore, mostly)
 */
public record ObjectVerdict(String kind, String group, String object, int pid, int fd, Prediction withoutHelp,
                            List<Fix> fixes, Prediction withDecisions, Basis basis, String basisText, boolean overruled,
                            List<String> notes) {
    /** Where a verdict comes from. */
    public enum Basis {
        /** the built-in rule (docs/dump-rules.md) */
        RULE,
        /** measured with this CRIU and kernel (the user's calibration or CRIU Atlas's built-in measurements) */
        CALIBRATED,
        /** the snapshot does not show enough */
        CANNOT_TELL
    }

    public ObjectVerdict {
        fixes = List.copyOf(fixes);
        notes = List.copyOf(notes);
    }
}
