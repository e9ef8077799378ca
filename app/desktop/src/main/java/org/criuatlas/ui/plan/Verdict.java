package org.criuatlas.ui.plan;

import org.criuatlas.plan.Outcome;

/**
 * How the window colours an object that leaves the dumped subtree; every verdict also has its own
 * badge shape (drawn, not a font glyph) so it reads without colour.
 */
public enum Verdict {
    /** The dump will fail because of it. */
    FAIL("\u2717", "fails"),
    /** The dump succeeds but something breaks or changes at restore unless the restore is given something. */
    OBLIGATION("!", "dumps, restore needs care"),
    /** Nothing stops the dump (a tick resolved it, or it never needed one). */
    RESOLVED("\u2713", "resolved"),
    /** The snapshot cannot tell (the other end's owner is not visible). */
    UNKNOWN("?", "cannot tell");

    /** A text mark for screen readers and plain-text places; the window draws shapes instead. */
    public final String glyph;
    public final String words;

    Verdict(String glyph, String words) {
        this.glyph = glyph;
        this.words = words;
    }

    /** The colour of a whole plan's outcome. */
    public static Verdict of(Outcome o) {
        return switch (o) {
            case DUMP_FAILS -> FAIL;
            case UNKNOWN -> UNKNOWN;
            case DUMPS_BREAKS_AT_RESTORE -> OBLIGATION;
            case DUMPS -> RESOLVED;
        };
    }
}
