package org.criuatlas.plan;

/**
 * A check on the dump as a whole (before looking at single objects): the root's session, vanished
 * processes, zombies, too many pipes, network namespaces, processes the scan could not read.
 *
 * @param kind       which check
 * @param pid        the process concerned, 0 for the dump as a whole
 * @param prediction what CRIU will do because of it
 * @param message    plain words
 */
public record PlanCheck(Kind kind, int pid, Prediction prediction, String message) {
    public enum Kind {
        ROOT_MISSING, VANISHED, ZOMBIE, TOO_MANY_PIPES, TOO_MANY_FIFOS, OTHER_NET_NAMESPACE, FDS_UNREADABLE,
        CANNOT_LEAVE_OUT, OUTSIDE_SUBTREE, ALREADY_INCLUDED, SEPARATE_DUMPS,
        /** Something the scan could not see about the dumped tree (see ScanChecks): the outcome cannot be told. */
        SCAN_PROBLEM
    }

    /** True when this check alone stops the dump or makes the prediction uncertain. */
    public boolean blocks() {
        return prediction.outcome() == Outcome.DUMP_FAILS || prediction.outcome() == Outcome.UNKNOWN;
    }
}
