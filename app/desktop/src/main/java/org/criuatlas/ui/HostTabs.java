package org.criuatlas.ui;

import javafx.collections.ListChangeListener;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.stage.Stage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hosts as tabs of the main window: "This machine" first, then one tab per other host, each the
 * whole explorer of that host (its menu bar, graph, status bar and plans). With no other host open the
 * window shows this machine's explorer alone, without a tab strip.
 *
 * <p>Only the tab on show has its explorer in the scene: its menu bar's shortcuts (Ctrl+O opens
 * images on that host, Ctrl+Q closes it) and its view's (F5, Ctrl+F…) are the scene's, never another
 * tab's. Closing a host's tab goes through that host's close path, which may keep it (a dump runs).
 * FX thread only.
 */
final class HostTabs {
    public static final String ID_TABS = "host-tabs";
    public static final String ID_THIS_MACHINE = "host-tab-this-machine";
    /** Then the destination. */
    public static final String ID_TAB = "host-tab-";

    private final Stage stage;
    private final ExplorerView mainView;
    private final Map<MainWindow, Tab> tabs = new LinkedHashMap<>();
    private TabPane pane; // null while only this machine shows
    private Tab here;
    private String mainTitle;

    HostTabs(AtlasApp.Window main) {
        this.stage = main.stage();
        this.mainView = main.view();
    }

    /** Opens {@code m} (another host's explorer, {@link AtlasApp#embed}) in a tab of its own and shows it. */
    void add(String dest, MainWindow m) {
        if (pane == null) tabStrip();
        Tab t = new Tab(dest);
        t.setId(ID_TAB + dest);
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(m.window().vm().hostLineProperty());
        t.setTooltip(tip);
        // the host's own close path decides: it keeps the tab while a dump or restore runs there (and asks)
        t.setOnCloseRequest(e -> {
            if (!m.closeRequested()) e.consume();
        });
        t.setUserData(m);
        tabs.put(m, t);
        pane.getTabs().add(t);
        pane.getSelectionModel().select(t);
    }

    /** Shows {@code m}'s tab; null: this machine's. */
    void select(MainWindow m) {
        if (pane == null) return;
        Tab t = m == null ? here : tabs.get(m);
        if (t != null) pane.getSelectionModel().select(t);
    }

    /** Takes {@code m}'s tab away (its close path has run); the last one gone, this machine's explorer shows alone. */
    void remove(MainWindow m) {
        Tab t = tabs.remove(m);
        if (t != null && pane != null) pane.getTabs().remove(t);
    }

    /** The host on show, null for this machine. */
    MainWindow showing() {
        if (pane == null) return null;
        Tab t = pane.getSelectionModel().getSelectedItem();
        return t == null ? null : (MainWindow) t.getUserData();
    }

    private void tabStrip() {
        Scene scene = stage.getScene();
        mainTitle = stage.getTitle();
        here = new Tab("This machine");
        here.setId(ID_THIS_MACHINE);
        here.setClosable(false);
        pane = new TabPane(here);
        pane.setId(ID_TABS);
        pane.setTabClosingPolicy(TabPane.TabClosingPolicy.ALL_TABS);
        pane.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> show(was, now));
        // a tab closed by its button or by the host's File > Close host: forgotten here
        pane.getTabs().addListener((ListChangeListener<Tab>) c -> {
            while (c.next()) for (Tab t : c.getRemoved()) if (t.getUserData() instanceof MainWindow m) tabs.remove(m);
            // later: not inside the tab list's change notification, which the tab pane's skin also follows
            if (tabs.isEmpty()) javafx.application.Platform.runLater(this::single);
        });
        scene.setRoot(pane);
        here.setContent(mainView);
        show(null, here);
    }

    /** Only the tab on show holds its explorer: the others' menu bars and shortcuts are out of the scene. */
    private void show(Tab was, Tab now) {
        if (was != null) was.setContent(null);
        if (now == null) return;
        ExplorerView v = now == here ? mainView : ((MainWindow) now.getUserData()).window().view();
        now.setContent(v);
        v.bindKeys(stage.getScene());
        stage.setTitle(now == here ? mainTitle : mainTitle + " \u2014 " + now.getText());
    }

    /** No other host left: this machine's explorer is the scene's root again, as before the first one. */
    private void single() {
        if (pane == null || !tabs.isEmpty()) return;
        for (Tab t : pane.getTabs()) t.setContent(null);
        pane = null;
        here = null;
        stage.getScene().setRoot(mainView);
        mainView.bindKeys(stage.getScene());
        stage.setTitle(mainTitle);
    }

    /** The tab strip while other hosts are open, else null (tests). */
    Parent strip() { return pane; }
}
