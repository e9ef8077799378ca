package org.criuatlas.ui.restore.vm;

import org.criuatlas.host.RestoreGate;
import org.criuatlas.plan.restore.RestorePreview;

import java.util.List;

/**
 * The restore board's words for what the machine check found: the trust gate's reasons and the
 * preview's conflicts, as the board lists them and the confirmation panel shows them.
 */
public final class RestoreBoardWords {
    private RestoreBoardWords() {}

    /** How the preview list starts the line of an untrusted images folder. */
    public static final String TRUST_LINE_START = "\u26a0 asks first: folder not trusted";

    /** The gate's refusal as a line of the preview list: the folder, each reason, and that Restore will ask. */
    public static String trustLine(RestoreGate.Verdict v) {
        StringBuilder b = new StringBuilder(TRUST_LINE_START).append(" \u2014 ").append(v.folder());
        for (TrustReason r : trustReasons(v)) b.append("\n   ").append(r.title()).append(": ").append(r.text());
        return b.append("\n   Restore runs the images as root; it lists these reasons and asks before criu starts.").toString();
    }

    /**
     * One reason the gate gave, in words for the confirmation panel.
     *
     * @param title the kind of concern (owner, mode, incomplete dump...)
     * @param text  the gate's sentence
     * @param path  the file or folder concerned ("" for a count of further findings)
     */
    public record TrustReason(RestoreGate.Concern concern, String title, String text, String path) {}

    /** The verdict's findings, at most {@link #TRUST_REASONS_PER_KIND} of a kind and then a count. */
    public static List<TrustReason> trustReasons(RestoreGate.Verdict v) {
        List<TrustReason> out = new java.util.ArrayList<>();
        for (RestoreGate.Concern c : RestoreGate.Concern.values()) {
            List<RestoreGate.Finding> of = v.findings().stream().filter(f -> f.concern() == c).toList();
            of.stream().limit(TRUST_REASONS_PER_KIND).forEach(f -> out.add(new TrustReason(c, concernTitle(c), f.why(), f.path().toString())));
            if (of.size() > TRUST_REASONS_PER_KIND)
                out.add(new TrustReason(c, concernTitle(c), "\u2026 and " + (of.size() - TRUST_REASONS_PER_KIND) + " more like that", ""));
        }
        return out;
    }

    static final int TRUST_REASONS_PER_KIND = 6;

    public static String concernTitle(RestoreGate.Concern c) {
        return switch (c) {
            case FOREIGN_OWNER -> "Owner";
            case WRITABLE_BY_OTHERS -> "Mode";
            case NOT_A_PLAIN_FILE -> "Not a plain file";
            case INCOMPLETE_DUMP -> "Incomplete dump";
            case UNREADABLE -> "Could not be examined";
            case ALREADY_THERE -> "Already there";
        };
    }

    /** A conflict for the board: severity, subject, what the image says, what is there now, what to do. */
    public static String conflictLine(RestorePreview.Conflict c) {
        String what = switch (c.kind()) {
            case PID_TAKEN -> "pid in use";
            case SOCKET_PATH_MISSING -> "socket path gone";
            case SOCKET_PATH_EXISTS -> "socket path taken";
            case FILE_MISSING -> "file missing";
            case FILE_SIZE_CHANGED -> "file size changed";
            case FILE_BUILD_ID_CHANGED -> "program or library rebuilt";
            case FILE_MODIFIED -> "file modified";
        };
        return (c.severity() == RestorePreview.Severity.BLOCKS ? "\u2716 blocks: " : "\u26a0 warns: ") + what + " \u2014 " + c.subject()
                + "\n   image: " + c.image() + "\n   now: " + c.live() + "\n   " + c.advice();
    }
}
