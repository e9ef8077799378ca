package org.criuatlas.ui.plan;

/** What will happen to one edge that leaves the dumped subtree; every verdict has a glyph as well as a colour. */
public enum Verdict {
    /** The dump will fail because of it. */
    FAIL("\u2717", "fails"),
    /** The dump succeeds but the restore has to be given something (or breaks silently). */
    OBLIGATION("!", "restore obligation"),
    /** A choice resolves it. */
    RESOLVED("\u2713", "resolved"),
    /** The other end's owner cannot be seen (no privilege, or it is not in the snapshot). */
    UNKNOWN("?", "unknown owner");

    public final String glyph;
    public final String words;

    Verdict(String glyph, String words) {
        this.glyph = glyph;
        this.words = words;
    }

    /** The worse of two verdicts: FAIL over UNKNOWN over OBLIGATION over RESOLVED. */
    public static Verdict worst(Verdict a, Verdict b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(Verdict v) {
        return switch (v) {
            case FAIL -> 3;
            case UNKNOWN -> 2;
            case OBLIGATION -> 1;
            case RESOLVED -> 0;
        };
    }
}
