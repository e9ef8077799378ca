package org.criuatlas.ui;

import org.criuatlas.ui.theme.Theme;
import org.criuatlas.ui.theme.Themes;
import org.criuatlas.ui.theme.Styles;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.ObjectBinding;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.controlsfx.control.StatusBar;
import org.criuatlas.ui.graph.GraphPaint;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.ProcessRow;
import org.criuatlas.ui.vm.RefreshController;
import org.criuatlas.ui.graph.SelectedItem;

/**
 * The explorer window's content: toolbar, process table, graph, inspector, plan panel and status
 * bar. A view: it binds to {@link ExplorerViewModel} and forwards intents; it decides nothing.
 */
public final class ExplorerView extends BorderPane {
    private final ExplorerViewModel vm;
    private final RefreshController refresh;
    private final GraphView graph = new GraphView();
    private final ProcessTable table;
    private final TextField search = new TextField();
    private final PlanPanel planPanel;
    private final ToggleButton dark = new ToggleButton("Dark");
    private final ToggleButton pause = new ToggleButton("Pause");
    private final SplitPane main;
    private final SplitPane centre;
    private final VBox top = new VBox();
    private final InspectorPane inspector;
    private javafx.scene.control.TabPane sideTabs;
    private Themes themes = new Themes();
    private final StatusBar statusBar = new StatusBar();

    public ExplorerView(ExplorerViewModel vm, RefreshController refresh) {
        this.vm = vm;
        this.refresh = refresh;
        this.planPanel = new PlanPanel(vm);
        this.table = new ProcessTable(vm);
        getStyleClass().add("explorer");

        // graph
        graph.renderProperty().bind(vm.renderProperty());
        ObjectBinding<GraphPaint> paint = Bindings.createObjectBinding(
                () -> GraphPaint.of(vm.renderProperty().get(), vm.getSelection(), vm.plan().getOutcome(),
                        vm.marksVisibleProperty().get(), vm.onlyBlockingProperty().get(), vm.restoreMarksProperty().get()),
                vm.renderProperty(), vm.selectionProperty(), vm.plan().outcomeProperty(), vm.marksVisibleProperty(),
                vm.onlyBlockingProperty(), vm.restoreMarksProperty());
        graph.paintProperty().bind(paint);
        // "only what blocks this dump": show what is kept; turned off, the view goes back to where the person was
        vm.onlyBlockingProperty().addListener((o, a, on) -> {
            if (on) {
                placeBeforeFilter = graph.getViewport();
                GraphPaint p = graph.getPaint();
                if (p != null && p.keep != null) graph.fitPids(keptPids(graph.getRender(), p.keep));
            } else if (placeBeforeFilter != null) {
                graph.viewportProperty().set(placeBeforeFilter);
                placeBeforeFilter = null;
            }
        });
        graph.setOnSelect(vm::select);
        graph.setOnFocusSubtree(vm::focusSubtree);
        graph.setOnBadge(c -> vm.jumpTo(SelectedItem.ofKey(c.key()) != null ? SelectedItem.ofKey(c.key()) : SelectedItem.process(c.insidePid())));
        graph.setContextMenuFactory(table::processMenu);
        vm.focusProperty().addListener((o, a, b) -> {
            if (b != null) graph.fitPids(b.pids());
        });

        // the marks of a refresh (new, gone) stay until the next refresh replaces them: a paused view
        // keeps showing what its last refresh changed

        // process table
        search.setId(Styles.ID_SEARCH);
        search.setPromptText("Search pid, command, socket inode, path (Ctrl+F)");
        search.textProperty().bindBidirectional(vm.searchProperty());
        search.setOnAction(e -> {
            if (vm.visibleRows().isEmpty()) return;
            // a pid typed whole wins over rows that only mention that number (an argument, an inode)
            String q = search.getText() == null ? "" : search.getText().trim();
            int pid = vm.visibleRows().get(0).pid();
            if (!q.isEmpty() && q.length() < 10 && q.chars().allMatch(Character::isDigit)) {
                int wanted = Integer.parseInt(q);
                for (var r : vm.visibleRows()) if (r.pid() == wanted) pid = wanted;
            }
            vm.jumpTo(SelectedItem.process(pid));
        });
        Label shown = new Label();
        shown.getStyleClass().add(Styles.MUTED);
        shown.textProperty().bind(Bindings.createStringBinding(
                () -> vm.visibleRows().size() + " of " + vm.allRows().size() + " processes", vm.visibleRows(), vm.allRows()));
        VBox left = new VBox(4, search, table, shown);
        left.setPadding(new Insets(4));
        VBox.setVgrow(table, Priority.ALWAYS);

        // centre: graph over the plan panel
        centre = new SplitPane(graph, planPanel);
        centre.setOrientation(Orientation.VERTICAL);
        centre.setDividerPositions(0.7);
        vm.plan().rootPidProperty().addListener((o, a, b) -> {
            if (b.intValue() >= 0 && a.intValue() < 0 && centre.getDividerPositions()[0] > 0.58) centre.setDividerPositions(0.55);
        });

        // an image view has no plan to make (the dump is made): the banner shows its obligations
        vm.liveProperty().addListener((o, a, b) -> {
            if (!b) centre.getItems().remove(planPanel);
        });

        inspector = new InspectorPane(vm);
        main = new SplitPane(left, centre, inspector);
        main.setDividerPositions(0.22, 0.78);
        setCenter(main);
        top.getChildren().add(buildToolbar());
        setTop(top);
        setBottom(buildStatusBar());
    }

    public GraphView graph() { return graph; }

    /** Where the graph was when "only what blocks this dump" was turned on; null while it is off. */
    private org.criuatlas.ui.graph.Viewport placeBeforeFilter;

    private static java.util.Set<Integer> keptPids(org.criuatlas.ui.graph.RenderGraph g, boolean[] keep) {
        java.util.Set<Integer> pids = new java.util.HashSet<>();
        for (int i = 0; i < g.nodeCount && i < keep.length; i++) if (keep[i] && !org.criuatlas.ui.graph.RenderGraph.isOutside(g.kind[i])) pids.add(g.pid[i]);
        return pids;
    }

    /** The process table (tests look at its menu and its rows' places). */
    public TableView<ProcessRow> table() { return table; }

    /** The table's context menu opened last, null before the first. */
    public javafx.scene.control.ContextMenu tableMenu() { return table.shownMenu(); }

    /** Row index and offset from the top of the view of {@code pid}'s row, null when it is not on screen. */
    public double[] tableRowPosition(int pid) { return table.rowPosition(pid); }

    /** The table's first visible row: {pid, offset from the top of the view}, null when empty. */
    public double[] tableTopRow() { return table.topRow(); }

    public PlanPanel planPanel() { return planPanel; }

    /** What the process menu's "Checkpoint container…" and "Restore container…" open. */
    void setContainerActions(ProcessTable.ContainerActions a) { table.setContainerActions(a); }

    public SplitPane mainSplit() { return main; }

    public SplitPane centreSplit() { return centre; }

    /** Puts {@code n} above the toolbar (the menu bar) or below it (banners), in call order. */
    public void addTop(javafx.scene.Node n, boolean aboveToolbar) {
        if (aboveToolbar) top.getChildren().add(0, n);
        else top.getChildren().add(n);
    }

    /**
     * Shows {@code content} in a tab beside the inspector (the demo lesson) and selects it; the
     * inspector becomes the first tab. Calling it again with the same title only selects the tab.
     */
    public void showSideTab(String id, String title, javafx.scene.Node content) {
        if (sideTabs == null) {
            double[] div = main.getDividerPositions();
            javafx.scene.control.Tab insp = new javafx.scene.control.Tab("Inspector", inspector);
            insp.setClosable(false);
            sideTabs = new javafx.scene.control.TabPane(insp);
            main.getItems().set(2, sideTabs);
            main.setDividerPositions(div[0], Math.min(div[1], 0.7));
        }
        for (javafx.scene.control.Tab t : sideTabs.getTabs()) {
            if (id.equals(t.getId())) {
                sideTabs.getSelectionModel().select(t);
                return;
            }
        }
        javafx.scene.control.Tab t = new javafx.scene.control.Tab(title, content);
        t.setId(id);
        t.setClosable(false);
        sideTabs.getTabs().add(t);
        sideTabs.getSelectionModel().select(t);
    }

    private ToolBar buildToolbar() {
        Button refreshNow = new Button("Refresh now");
        refreshNow.setId(Styles.ID_REFRESH);
        refreshNow.setTooltip(new Tooltip("Scan again (F5)"));
        refreshNow.setOnAction(e -> refresh.refreshNow());
        pause.setId(Styles.ID_PAUSE);
        pause.setTooltip(new Tooltip("Stop the live refresh (Ctrl+P)"));
        pause.selectedProperty().bindBidirectional(refresh.pausedProperty());
        ChoiceBox<Integer> interval = new ChoiceBox<>();
        interval.setId(Styles.ID_INTERVAL);
        interval.getItems().addAll(2, 5, 10, 30, 60);
        interval.setConverter(new javafx.util.StringConverter<>() {
            @Override public String toString(Integer s) { return s == null ? "" : "every " + s + " s"; }
            @Override public Integer fromString(String s) { return Integer.valueOf(s.replaceAll("\\D", "")); }
        });
        interval.setValue(refresh.intervalSecondsProperty().get());
        interval.valueProperty().addListener((o, a, b) -> {
            if (b != null) refresh.intervalSecondsProperty().set(b);
        });
        Label busy = new Label("scanning\u2026");
        busy.getStyleClass().add(Styles.MUTED);
        Button fit = new Button("Fit");
        fit.setId(Styles.ID_FIT);
        fit.setTooltip(new Tooltip("Show the whole graph (Ctrl+0)"));
        fit.setOnAction(e -> graph.fit());
        Button relayout = new Button("Re-layout");
        relayout.setId(Styles.ID_RELAYOUT);
        relayout.setTooltip(new Tooltip("Lay the tree out afresh; positions are otherwise kept across refreshes (Ctrl+L)"));
        relayout.setOnAction(e -> refresh.relayout());
        CheckBox kernel = new CheckBox("Kernel threads");
        kernel.setId(Styles.ID_KERNEL_THREADS);
        kernel.selectedProperty().bindBidirectional(vm.showKernelThreadsProperty());
        dark.setId(Styles.ID_THEME);
        dark.setTooltip(new Tooltip("Dark theme (Ctrl+D)"));
        dark.setOnAction(e -> applyTheme(dark.isSelected() ? Theme.DARK : Theme.LIGHT));
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        javafx.scene.control.Separator sep = new javafx.scene.control.Separator();
        // images do not change and hold no kernel threads: their view has no refresh controls
        for (javafx.scene.Node n : new javafx.scene.Node[]{refreshNow, pause, interval, busy, sep, kernel}) {
            n.managedProperty().bind(n.visibleProperty());
            if (n == busy) n.visibleProperty().bind(refresh.busyProperty().and(vm.liveProperty()));
            else n.visibleProperty().bind(vm.liveProperty());
        }
        return new ToolBar(refreshNow, pause, interval, busy, sep, fit, relayout, kernel, spring, dark);
    }

    /**
     * ControlsFX's status bar: the CRIU line and the privilege on the left, the counts and the last
     * scan on the right, its progress bar running while a scan or preparation is under way.
     */
    private StatusBar buildStatusBar() {
        Label host = statusLabel(Styles.ID_STATUS_HOST);
        host.textProperty().bind(vm.hostLineProperty());
        host.getStyleClass().add(Styles.STATUS_HOST);
        Region hostGap = gap();
        for (javafx.scene.Node n : new javafx.scene.Node[]{host, hostGap}) {
            n.visibleProperty().bind(vm.hostLineProperty().isNotEmpty());
            n.managedProperty().bind(n.visibleProperty());
        }
        Label criu = statusLabel(Styles.ID_STATUS_CRIU);
        criu.textProperty().bind(vm.criuLineProperty());
        Label basis = statusLabel(Styles.ID_STATUS_BASIS);
        basis.textProperty().bind(vm.criuBasisProperty());
        basis.setTooltip(new javafx.scene.control.Tooltip("What the plans are based on (Help \u2192 Calibrate CRIU\u2026 measures this CRIU)"));
        Region basisGap = gap();
        for (javafx.scene.Node n : new javafx.scene.Node[]{basis, basisGap}) {
            n.visibleProperty().bind(vm.criuBasisProperty().isNotEmpty());
            n.managedProperty().bind(n.visibleProperty());
        }
        Label priv = statusLabel(Styles.ID_STATUS_PRIVILEGE);
        priv.textProperty().bind(vm.privilegeProperty());
        Label counts = statusLabel(Styles.ID_STATUS_COUNTS);
        counts.textProperty().bind(vm.countsProperty());
        Label scan = statusLabel(Styles.ID_STATUS_SCAN);
        scan.textProperty().bind(Bindings.when(vm.scanErrorProperty().isEmpty())
                .then(vm.lastScanProperty()).otherwise(vm.scanErrorProperty()));
        vm.scanErrorProperty().addListener((o, a, b) -> {
            scan.getStyleClass().remove(Styles.STATUS_ERROR);
            if (!b.isEmpty()) scan.getStyleClass().add(Styles.STATUS_ERROR);
        });
        // counts and times stay whole; the privilege / images line gives way, keeping its end
        // (an image directory's name and the dump's date) where a long path does not fit
        for (Label l : new Label[]{host, criu, counts, scan}) l.setMinWidth(Region.USE_PREF_SIZE);
        priv.setMinWidth(0);
        vm.liveProperty().addListener((o, a, b) ->
                priv.setTextOverrun(b ? javafx.scene.control.OverrunStyle.ELLIPSIS : javafx.scene.control.OverrunStyle.LEADING_ELLIPSIS));
        StatusBar bar = statusBar;
        bar.setId(Styles.ID_STATUS_BAR);
        bar.setText("");
        bar.getLeftItems().setAll(host, hostGap, criu, gap(), basis, basisGap, priv);
        bar.getRightItems().setAll(counts, gap(), scan);
        bar.progressProperty().bind(javafx.beans.binding.Bindings.when(refresh.busyProperty().and(vm.liveProperty()))
                .then(-1.0).otherwise(0.0));
        return bar;
    }

    private static Region gap() {
        Region r = new Region();
        r.setMinWidth(16);
        return r;
    }

    /** The status bar (ControlsFX); its progress runs while a scan is under way. */
    public StatusBar statusBar() { return statusBar; }

    private static Label statusLabel(String id) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add(Styles.STATUS_ITEM);
        return l;
    }

    /** Styles the scene with the application's theme (and follows it) and puts the keyboard shortcuts on it. */
    public void install(Scene scene, Themes themes) {
        follow(themes);
        themes.style(scene);
        bindKeys(scene);
    }

    /** Follows the application's theme without a scene of its own (a host's tab in the main window, whose scene is styled). */
    public void follow(Themes themes) {
        this.themes = themes;
        followTheme(themes.get());
        themes.themeProperty().addListener((o, a, t) -> followTheme(t));
    }

    /**
     * Puts this view's keyboard shortcuts on {@code scene}, in place of those of the view shown there before (the
     * host tabs share one scene: its shortcuts act on the tab on show).
     */
    public void bindKeys(Scene scene) {
        var acc = scene.getAccelerators();
        acc.put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), () -> {
            search.requestFocus();
            search.selectAll();
        });
        Runnable refreshNow = () -> {
            if (vm.isLive()) refresh.refreshNow();
        };
        acc.put(new KeyCodeCombination(KeyCode.F5), refreshNow);
        acc.put(new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN), refreshNow);
        acc.put(new KeyCodeCombination(KeyCode.P, KeyCombination.SHORTCUT_DOWN), () -> {
            if (vm.isLive()) pause.setSelected(!pause.isSelected());
        });
        acc.put(new KeyCodeCombination(KeyCode.DIGIT0, KeyCombination.SHORTCUT_DOWN), graph::fit);
        acc.put(new KeyCodeCombination(KeyCode.EQUALS, KeyCombination.SHORTCUT_DOWN), () -> graph.zoom(1.25));
        acc.put(new KeyCodeCombination(KeyCode.PLUS, KeyCombination.SHORTCUT_DOWN), () -> graph.zoom(1.25));
        acc.put(new KeyCodeCombination(KeyCode.MINUS, KeyCombination.SHORTCUT_DOWN), () -> graph.zoom(0.8));
        acc.put(new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN), refresh::relayout);
        acc.put(new KeyCodeCombination(KeyCode.D, KeyCombination.SHORTCUT_DOWN), () -> {
            applyTheme(themes.get() == Theme.DARK ? Theme.LIGHT : Theme.DARK);
        });
        acc.put(new KeyCodeCombination(KeyCode.P, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN), () -> {
            SelectedItem s = vm.getSelection();
            if (vm.isLive() && s != null && s.kind() == SelectedItem.Kind.PROCESS) vm.plan().planSubtree(s.pid());
        });
        acc.put(new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN), planPanel::copyCommand);
        acc.put(new KeyCodeCombination(KeyCode.ESCAPE), () -> {
            if (!search.getText().isEmpty()) search.clear();
            else vm.select(null);
        });
    }

    public Theme theme() { return themes.get(); }

    /** The application's themes as this view follows them (tests switch them). */
    public Themes themesForTests() { return themes; }

    /** Intent: switch the application's theme (every window follows). */
    public void applyTheme(Theme t) {
        themes.set(t);
    }

    private void followTheme(Theme t) {
        dark.setSelected(t == Theme.DARK);
        graph.setPalette(t.palette);
    }
}
