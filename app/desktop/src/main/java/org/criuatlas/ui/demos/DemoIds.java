package org.criuatlas.ui.demos;

/** Node ids of the lesson pane and the Demos menu, shared by the views, CSS and tests. */
public final class DemoIds {
    private DemoIds() {}

    public static final String PANE = "demo-lesson-pane";
    public static final String CHOOSER = "demo-chooser";
    public static final String TITLE = "demo-title";
    public static final String SUMMARY = "demo-summary";
    public static final String STEPS = "demo-steps";
    public static final String LOOK_FOR = "demo-look-for";
    public static final String WHY = "demo-why";
    public static final String START_STOP = "demo-start-stop";
    public static final String SELECT_ROOT = "demo-select-root";
    public static final String STATUS = "demo-status";
    public static final String MENU = "demos-menu";
    public static final String STOP_ALL = "demos-stop-all";

    /** The menu item of one demo. */
    public static String menuItem(Demo d) {
        return "demo-item-" + d.id();
    }
}
