package org.criuatlas.ui.plan;

import org.criuatlas.plan.Fix;
import org.criuatlas.plan.ObjectVerdict;
import org.criuatlas.plan.Outcome;

/**
 * One object CRIU judges on its own (a TCP connection, a lock, a SysV segment, a namespace...), as
 * the window shows it: the planner's {@link ObjectVerdict}, its colour, and the key of the socket
 * it is when it is one, so the graph can mark that socket's edge.
 *
 * @param source  the planner's verdict
 * @param verdict its colour: fails, cannot tell, restore needs care, or dumps
 * @param key     {@code socket:[INO]} when the object is a socket fd, else null
 */
public record ObjectRow(ObjectVerdict source, Verdict verdict, String key) {
    /** True when it stops the dump or leaves it undecided. */
    public boolean blocks() {
        return verdict == Verdict.FAIL || verdict == Verdict.UNKNOWN;
    }

    /** True when nothing is to be done about it (it dumps, with no fix needed). */
    public boolean plain() {
        return verdict == Verdict.RESOLVED && source.withoutHelp().outcome() == Outcome.DUMPS;
    }

    /** "tcp-client-listener-outside: tcp 127.0.0.1:40312 -> 127.0.0.1:5000 ESTAB (...)". */
    public String what() {
        return source.kind() + ": " + source.object();
    }

    /** The planner's words for what happens now, and the first option that helps when it blocks. */
    public String explanation() {
        String why = source.withDecisions().why();
        String fix = null;
        if (verdict != Verdict.RESOLVED) {
            for (Fix f : source.fixes()) if (f.works()) { fix = f.title(); break; }
        }
        return (why == null || why.isEmpty() ? verdict.words : why) + (fix == null ? "" : " (fix: " + fix + ")");
    }
}
