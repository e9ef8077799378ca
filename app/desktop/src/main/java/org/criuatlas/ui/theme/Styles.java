package org.criuatlas.ui.theme;

import org.criuatlas.ui.plan.Verdict;

/**
 * Style-class names and node ids as constants, so the stylesheets, the views and the UI tests
 * agree on them (the AtlantaFX way). Ids that depend on an object use {@link #idFor}.
 */
public final class Styles {
    private Styles() {}

    // style classes
    public static final String GRAPH_VIEW = "graph-view";
    public static final String GRAPH_LABEL = "graph-label";
    public static final String GRAPH_EDGE_LABEL = "graph-edge-label";
    public static final String GRAPH_HOVER = "graph-hover";
    public static final String GRAPH_LEGEND = "graph-legend";
    public static final String SELECTION_RING = "selection-ring";
    public static final String VERDICT_BADGE = "verdict-badge";
    public static final String PLAN_PANEL = "plan-panel";
    public static final String CROSSING_ROW = "crossing-row";
    public static final String COMMAND_FIELD = "command-field";
    public static final String CRIU_LINE = "criu-line";
    public static final String PLAN_SECTION = "plan-section";
    public static final String OBLIGATION_ROW = "obligation-row";
    public static final String INSPECTOR = "inspector";
    public static final String INSPECTOR_TITLE = "inspector-title";
    public static final String STATUS_BAR = "status-bar";
    public static final String STATUS_ITEM = "status-item";
    public static final String STATUS_ERROR = "status-error";
    public static final String STATUS_HOST = "status-host";
    public static final String NOTICE = "notice";
    public static final String TITLE = "title";
    public static final String MUTED = "muted";
    public static final String NEW_ROW = "new-row";
    /** A row whose process vanished at the last refresh (kept, struck through, until the marks fade). */
    public static final String GONE_ROW = "gone-row";
    /** The big bold line at the top of a window or pane. */
    public static final String WINDOW_HEADING = "window-heading";
    public static final String MONOSPACE = "mono";
    public static final String SMALL = "small";
    /** Text that says something went wrong (a refused edit, what blocks a restore). */
    public static final String ERROR_TEXT = "error-text";
    /** A surface with a border and rounded corners (a wiring card). */
    public static final String CARD = "card";
    /** A thin border around an area. */
    public static final String FRAMED = "framed";
    /** A failure or a diagnosis: a card with a bar in the failure colour. */
    public static final String FAILURE_CARD = "failure-card";
    public static final String FAILURE_TITLE = "failure-title";
    /** After a dump: the target still runs / does not. */
    public static final String TARGET_RUNNING = "target-running";
    public static final String TARGET_NOT_RUNNING = "target-not-running";
    /** A strip across a window under the toolbar; one of the kinds below says what for. */
    public static final String BANNER = "banner";
    /** Something is pinned on the graph (a dump failure, a log link). */
    public static final String BANNER_PIN = "banner-pin";
    /** An image view's heading with its restore obligations. */
    public static final String BANNER_IMAGES = "banner-images";
    /** Work in progress (reading images). */
    public static final String BANNER_PROGRESS = "banner-progress";
    /** Asks before going on (restore from a folder the trust gate refused): a warning card with its reasons. */
    public static final String CONFIRM_CARD = "confirm-card";
    public static final String CONFIRM_TITLE = "confirm-title";
    /** The root of a small window of our own (the About box). */
    public static final String DIALOG_ROOT = "dialog-root";
    /** A preflight finding of "Move to host": fine, worth a warning, blocks the move. */
    public static final String MOVE_OK = "move-ok";
    public static final String MOVE_WARNS = "move-warns";
    public static final String MOVE_BLOCKS = "move-blocks";

    /** The style class of a verdict: {@code verdict-fail}, {@code verdict-obligation}, ... */
    public static String verdict(Verdict v) {
        return "verdict-" + v.name().toLowerCase(java.util.Locale.ROOT);
    }

    // ids
    public static final String ID_GRAPH = "graph";
    public static final String ID_SEARCH = "search";
    public static final String ID_PROCESS_TABLE = "process-table";
    public static final String ID_INSPECTOR = "inspector";
    public static final String ID_INSPECTOR_TITLE = "inspector-title";
    public static final String ID_PLAN_PANEL = "plan-panel";
    public static final String ID_PLAN_VERDICT = "plan-verdict";
    public static final String ID_PLAN_COMMAND = "plan-command";
    public static final String ID_PLAN_VERDICT_BADGE = "plan-verdict-badge";
    public static final String ID_PLAN_CRIU_LINE = "plan-criu-line";
    /** The plan panel's "Only what blocks this dump" toggle. */
    public static final String ID_ONLY_BLOCKING = "only-blocking";
    /** The plan panel's line saying what the plan's verdicts are based on. */
    public static final String ID_PLAN_BASIS = "plan-basis";
    public static final String ID_COPY_COMMAND = "copy-command";
    public static final String ID_DUMP = "dump";
    public static final String ID_MOVE = "move-to-host";
    public static final String ID_CLEAR_PLAN = "clear-plan";
    public static final String ID_MAKE_DUMPABLE = "make-dumpable";
    public static final String ID_SUGGESTIONS = "suggestions";
    public static final String ID_SUGGESTIONS_STATUS = "suggestions-status";
    /** The n-th suggestion's Apply button is {@code suggestion-apply-N} (from 1). */
    public static final String ID_SUGGESTION_APPLY = "suggestion-apply";
    public static final String SUGGESTION_CARD = "suggestion-card";
    public static final String ID_SELECTION_RING = "graph-selection";
    public static final String ID_HOVER = "graph-hover";
    public static final String ID_LEGEND = "graph-legend";
    public static final String ID_REFRESH = "refresh-now";
    public static final String ID_PAUSE = "pause";
    public static final String ID_INTERVAL = "interval";
    public static final String ID_FIT = "fit";
    public static final String ID_RELAYOUT = "relayout";
    public static final String ID_THEME = "dark-theme";
    public static final String ID_KERNEL_THREADS = "kernel-threads";
    public static final String ID_STATUS_HOST = "status-host";
    public static final String ID_STATUS_CRIU = "status-criu";
    public static final String ID_STATUS_BASIS = "status-basis";
    public static final String ID_STATUS_PRIVILEGE = "status-privilege";
    public static final String ID_STATUS_COUNTS = "status-counts";
    public static final String ID_STATUS_SCAN = "status-scan";
    public static final String ID_STATUS_BAR = "status-bar";
    public static final String ID_MENU_PLAN = "menu-plan-subtree";
    public static final String ID_MENU_ADD = "menu-add-to-plan";
    public static final String ID_MENU_REMOVE = "menu-remove-from-plan";
    public static final String ID_MENU_FOCUS = "menu-focus-subtree";
    public static final String ID_MENU_PLAN_CONTAINER = "menu-plan-container";
    public static final String ID_MENU_CHECKPOINT_CONTAINER = "menu-checkpoint-container";
    public static final String ID_MENU_RESTORE_CONTAINER = "menu-restore-container";
    public static final String ID_PLAN_CONTAINER = "plan-container";
    public static final String ID_PLAN_CONTAINER_ASSUMED = "plan-container-assumed";
    public static final String ID_PLAN_CONTAINER_CHECKPOINT = "plan-container-checkpoint";

    /** An id made from an object key: {@code socket:[123]} gives {@code prefix-socket-123}. */
    public static String idFor(String prefix, String key) {
        return prefix + "-" + key.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-+$", "");
    }
}
