package org.criuatlas.ui.plan;

import org.criuatlas.model.ObjectKey;
import org.criuatlas.plan.CriuError;
import org.criuatlas.plan.CrossingKind;
import org.criuatlas.plan.Fix;

import java.util.List;

/**
 * One object that leaves the planned subtree, as the plan panel and the graph show it: the dump
 * planner's {@link org.criuatlas.plan.Crossing} plus what the window needs to draw and tick it.
 *
 * @param source      the planner's crossing (explanations, fixes, prediction, obligation)
 * @param verdict     its colour in the window, from the planner's prediction under the current ticks
 * @param choices     the controls that apply (from the planner's working fixes)
 * @param chosen      the controls currently ticked
 * @param insidePid   the first process inside holding our end (-1 when none is listed)
 * @param insideFd    its fd there, -1 when not applicable
 * @param outsidePid  the first process outside holding the other end, -1 when none is visible
 * @param outsideText the other end's owner for a person: "bash (pid 812) fd 4", "not visible"
 * @param pullRoot    the root that would take the other end along (the planner's pull-in fix), 0 when none
 */
public record CrossingRow(org.criuatlas.plan.Crossing source, Verdict verdict, List<Choice> choices, List<Choice> chosen,
                       int insidePid, int insideFd, int outsidePid, String outsideText, int pullRoot) {
    public CrossingRow {
        choices = List.copyOf(choices);
        chosen = List.copyOf(chosen);
    }

    /** The CRIU key of the object inside ({@code socket:[INO]}, {@code pipe:[INO]}, a tty path, "session N"). */
    public String key() { return source.key(); }

    /** Unique within a plan: a socket can both be shared with an outside holder and have its peer outside. */
    public String id() { return source.kind() == CrossingKind.SHARED_FD ? "shared " + source.key() : source.key(); }

    /** Inode of our end (the one {@code unix[INO]} must name), 0 for sessions and terminals. */
    public long insideIno() { return source.ourIno(); }

    /** The key of the other end, to find the drawn edge: the peer socket, the same pipe; null when none. */
    public String peerKey() {
        if (source.outsideIno() == 0) return null;
        if (source.socketType() != null) return ObjectKey.ofSocket(source.outsideIno()).text();
        return source.key();
    }

    /** Short words: "socketpair / unnamed peer outside (stream)". */
    public String what() {
        String s = source.kind().label;
        if (source.socketType() != null) s += " (" + source.socketType().label() + ")";
        if (source.peerName().isNamed()) s += " to " + source.peerName().display();
        return s;
    }

    /** The planner's words for what happens with the current ticks. */
    public String explanation() { return source.withDecisions().why(); }

    /** The error line CRIU will print for this object with the current ticks, else null. */
    public CriuError error() { return source.withDecisions().error(); }

    /** The error line CRIU prints for it when nothing is ticked, else null. */
    public CriuError errorWithoutHelp() { return source.withoutHelp().error(); }

    /** The planner's fix behind a control, null when the control does not apply. */
    public Fix fix(Choice c) {
        for (Fix f : source.fixes()) if (f.works() && f.kind() == c.fix) return f;
        return null;
    }
}
