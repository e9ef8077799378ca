package org.criuatlas.plan;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.model.RestoreObligation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The roll-up of a plan: from the whole-tree checks, the judged crossings and the per-object
 * verdicts to one outcome, the failure lines and warnings in order, and the error CRIU would print
 * first (CRIU's order of failure, {@link #phase}). Pure: no I/O.
 */
final class PlanVerdict {
    private PlanVerdict() {}

    /** CRIU's order of failure: seizing, per-process files, tty pairs, the session check, external sockets. */
    private static int phase(CriuError e) {
        return switch (e.kind()) {
            case PROCESS_GONE, NETWORK_LOCK, UNSEIZABLE -> 0;
            case NESTED_PID_NAMESPACE, SESSION_LEADER_OUTSIDE_PID_NS -> 1;
            // per task: memory (the SysV check, the executable's mount) before files
            case SYSV_SHM_OUTSIDE_IPC_NS, MOUNT_NOT_FOUND -> 2;
            case DANGLING_TTY, TOO_MANY_PIPES, UNIX_PEER_MISSING, SOCKET_OPT_UNSUPPORTED, TCP_CONNECTED, TCP_IN_FLIGHT, IO_URING,
                 UNSUPPORTED_FILE, PIDFD_OUTSIDE, GHOST_TOO_BIG, LINK_REMAP_NEEDED, LINK_REMAP_CROSS_DEVICE, TCP_LOCK_FAILED -> 3;
            case TTY_WITHOUT_MASTER -> 4;
            case FILE_LOCKS_HELD -> 5;
            // measured: the session check (pstree) fails before the external socket check
            case NOT_SESSION_LEADER -> 6;
            case EXTERNAL_SOCKET_USED, HALF_STREAM_CONNECTION, NAMELESS_EXTERNAL_SOCKET -> 7;
            // restore errors: CriuError.of never makes one for a dump prediction
            case EXTERNAL_SOCKET_IN_IMAGE, TCP_IN_IMAGE, UNABLE_TO_OPEN_FD, PID_TAKEN, BAD_INHERIT_FD, RESTORED_TASK_CRASHED, OTHER_ERROR -> 8;
        };
    }

    static DumpPlan finish(int root, String cmd, List<Integer> dumped, List<PlanCheck> checks, List<Crossing> crossings,
                           CriuOptions options, List<RestoreObligation> obligations, List<ObjectVerdict> objects,
                           CriuTarget target) {
        List<String> reasons = new ArrayList<>();
        // the failure lines already given, for a constant-time "said already" (a big tree has thousands of crossings:
        // reasons.contains made planning quadratic, 40 ms of 43 at 1,000 processes)
        Set<String> failLines = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        CriuError first = null;
        boolean fails = false, unknown = false, breaks = false;
        for (PlanCheck c : checks) {
            Prediction p = c.prediction();
            switch (p.outcome()) {
                case DUMP_FAILS -> { fails = true; reasons.add(p.error().line()); first = earlier(first, p.error()); }
                case UNKNOWN -> { unknown = true; reasons.add(c.message()); }
                case DUMPS_BREAKS_AT_RESTORE -> { breaks = true; warnings.add(c.message()); }
                case DUMPS -> { if (c.kind() != PlanCheck.Kind.ALREADY_INCLUDED) warnings.add(c.message()); }
            }
        }
        for (Crossing c : crossings) {
            Prediction p = c.withDecisions();
            switch (p.outcome()) {
                case DUMP_FAILS -> {
                    fails = true;
                    first = earlier(first, p.error());
                    String line = p.error().line() + "  [" + c.kind().label + " " + c.key() + "]";
                    if (failLines.add(line)) reasons.add(line);
                }
                case UNKNOWN -> { unknown = true; reasons.add(c.kind().label + " " + c.key() + ": " + p.why()); }
                case DUMPS_BREAKS_AT_RESTORE -> { breaks = true; warnings.add(c.kind().label + " " + c.key() + ": " + p.why()); }
                case DUMPS -> { for (String n : c.notes()) warnings.add(c.kind().label + " " + c.key() + ": " + n); }
            }
        }
        for (ObjectVerdict v : objects) {
            Prediction p = v.withDecisions();
            String what = v.kind() + " " + v.object();
            switch (p.outcome()) {
                case DUMP_FAILS -> {
                    fails = true;
                    first = earlier(first, p.error());
                    String line = p.error().line() + "  [" + what + "]";
                    if (failLines.add(line)) reasons.add(line);
                }
                case UNKNOWN -> { unknown = true; reasons.add(what + ": " + p.why()); }
                case DUMPS_BREAKS_AT_RESTORE -> { breaks = true; warnings.add(what + ": " + p.why()); }
                case DUMPS -> { if (v.overruled()) warnings.add(what + ": " + v.basisText()); }
            }
        }
        Outcome o = fails ? Outcome.DUMP_FAILS : unknown ? Outcome.UNKNOWN : breaks ? Outcome.DUMPS_BREAKS_AT_RESTORE : Outcome.DUMPS;
        return new DumpPlan(root, cmd, dumped, checks, crossings, options, obligations, o, first, reasons, warnings, objects,
                target.describe());
    }

    private static CriuError earlier(CriuError a, CriuError b) {
        if (a == null) return b;
        return phase(b) < phase(a) ? b : a;
    }
}
