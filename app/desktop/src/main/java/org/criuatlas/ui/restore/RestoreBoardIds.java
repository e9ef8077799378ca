package org.criuatlas.ui.restore;

import org.criuatlas.plan.restore.Destination;

/** Node ids and style classes of the restore board, shared by the view, CSS and tests. */
public final class RestoreBoardIds {
    private RestoreBoardIds() {}

    public static final String BOARD = "restore-board";
    public static final String ROWS = "wiring-rows";
    public static final String ADD_KEY = "add-key";
    public static final String ADD_KEY_BUTTON = "add-key-button";
    public static final String ADD_KEY_MESSAGE = "add-key-message";
    public static final String CLI_TEXT = "cli-text";
    public static final String COPY_CLI = "copy-cli";
    public static final String BLOCKING = "blocking-text";
    public static final String RESTORE = "restore-button";
    public static final String CANCEL = "cancel-button";
    public static final String WAIT_RETRY = "wait-retry-button";
    public static final String SIBLING = "restore-sibling";
    public static final String STATUS = "restore-status";
    public static final String PREVIEW_STATUS = "preview-status";
    public static final String PREVIEW_CONFLICTS = "preview-conflicts";
    public static final String PREVIEW_RECHECK = "preview-recheck";
    public static final String BUG_REPORT = "restore-bug-report";
    /** The panel that asks before restoring from a folder the trust gate refused. */
    public static final String TRUST_PANEL = "trust-confirm";
    public static final String TRUST_FOLDER = "trust-folder";
    public static final String TRUST_REASONS = "trust-reasons";
    public static final String TRUST_RESTORE_ANYWAY = "trust-restore-anyway";
    public static final String TRUST_CANCEL = "trust-cancel";
    /** The preview list's line about an untrusted images folder. */
    public static final String PREVIEW_TRUST = "preview-trust";
    public static final String TIMELINE = "restore-timeline";
    public static final String CONSOLES = "console-tabs";
    public static final String CONSOLE_OUTPUT = "console-output";
    public static final String CONSOLE_INPUT = "console-input";
    public static final String CONSOLE_SEND = "console-send";
    public static final String CONSOLE_COUNTERS = "console-counters";
    public static final String CONSOLE_COPY = "console-copy";
    public static final String CONSOLES_EMPTY = "consoles-empty";

    public static final String STYLE_ERROR = "wiring-error";
    public static final String STYLE_NOTE = "wiring-note";
    public static final String STYLE_CARD = "wiring-card";
    public static final String STYLE_SENT = "console-sent";
    public static final String STYLE_RECEIVED = "console-received";
    /** The direction mark (arrow) of a transcript line. */
    public static final String STYLE_ARROW = "console-arrow";

    /** How the board's "Other end" menu names a destination (fuller than {@link Destination.Kind#label()}). */
    public static String destinationText(Destination.Kind k) {
        return switch (k) {
            case CONSOLE -> "console kept by CRIU Atlas";
            case COMMAND -> "a command (stdin/stdout)";
            case UNIX_PATH -> "a unix socket path (relay)";
            case RECONNECT -> "reconnect by name (--ext-unix-sk)";
            case NONE -> "not wired";
        };
    }

    public static String rowCard(int i) { return "row-" + i + "-card"; }
    public static String rowKey(int i) { return "row-" + i + "-key"; }
    public static String rowFd(int i) { return "row-" + i + "-fd"; }
    public static String rowDestination(int i) { return "row-" + i + "-destination"; }
    public static String rowArgument(int i) { return "row-" + i + "-argument"; }
    public static String rowMessage(int i) { return "row-" + i + "-message"; }
    public static String rowRemove(int i) { return "row-" + i + "-remove"; }
}
