package org.criuatlas.plan;

/** What a dump will do, as far as the planner can tell before anything is frozen. */
public enum Outcome {
    /** CRIU stops with an error; nothing is written that could be restored. */
    DUMP_FAILS("dump fails"),
    /** Dumps, and a restore works without anything extra. */
    DUMPS("dumps fine"),
    /** Dumps, but the restored process loses this connection unless the restore is given something. */
    DUMPS_BREAKS_AT_RESTORE("dumps, but breaks at restore"),
    /** The snapshot does not show enough to say. */
    UNKNOWN("cannot tell");

    public final String label;

    Outcome(String label) { this.label = label; }

    public boolean dumps() { return this == DUMPS || this == DUMPS_BREAKS_AT_RESTORE; }
}
