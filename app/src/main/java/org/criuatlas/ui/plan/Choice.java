package org.criuatlas.ui.plan;

/** What a person can decide for one crossing edge (the ticks of the plan panel). */
public enum Choice {
    /** {@code --external unix[<our ino>]}: dump our end, hand in a replacement on restore. */
    EXTERNAL("external", "Dump this end as external (--external unix[ino]); restore must inherit a new socket"),
    /** {@code --ext-unix-sk}: reconnect to the peer by its name on restore. */
    RECONNECT_BY_NAME("reconnect by name", "Reconnect to the named peer on restore (--ext-unix-sk)"),
    /** Widen the dump to the nearest common ancestor, so the peer is inside. */
    PULL_PEER("pull peer into dump", "Dump from the common ancestor so the other end is inside too"),
    /** {@code --shell-job}: the controlling terminal stays outside. */
    SHELL_JOB("shell job", "The terminal belongs to a shell outside the dump (--shell-job)");

    public final String label;
    public final String help;

    Choice(String label, String help) {
        this.label = label;
        this.help = help;
    }
}
