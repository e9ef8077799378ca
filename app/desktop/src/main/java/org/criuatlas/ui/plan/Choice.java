package org.criuatlas.ui.plan;

import org.criuatlas.plan.Fix;

/**
 * The controls of the plan panel: one per kind of working {@link Fix} the dump planner offers for
 * a crossing. The text on a control is the planner's own fix title; these are only the handles.
 */
public enum Choice {
    /** {@code --external unix[<our ino>]}: dump our end, hand in a replacement on restore. */
    EXTERNAL("external", Fix.Kind.MARK_EXTERNAL),
    /** {@code --ext-unix-sk}: reconnect to the peer by its name on restore. */
    RECONNECT_BY_NAME("reconnect", Fix.Kind.RECONNECT_BY_NAME),
    /** Dump from the common ancestor, so the peer is inside too. */
    PULL_PEER("pull", Fix.Kind.PULL_IN),
    /** {@code --shell-job}: the session leader or terminal stays outside. */
    SHELL_JOB("shell-job", Fix.Kind.SHELL_JOB),
    /** A new pipe end is handed to the restore ({@code --inherit-fd fd[N]:pipe:[INO]}). */
    INHERIT_PIPE("inherit-pipe", Fix.Kind.INHERIT_PIPE);

    /** Short word used in control ids ({@code tick-external-socket-123}). */
    public final String id;
    /** The planner's fix this control applies. */
    public final Fix.Kind fix;

    Choice(String id, Fix.Kind fix) {
        this.id = id;
        this.fix = fix;
    }

    /** The control for a planner fix, null for fixes that are not a control (accept, the wrong ones). */
    public static Choice of(Fix.Kind k) {
        for (Choice c : values()) if (c.fix == k) return c;
        return null;
    }
}
