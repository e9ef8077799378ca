package org.criuatlas.ui;

import javafx.collections.ListChangeListener;
import javafx.collections.transformation.SortedList;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.ProcessRow;

/**
 * The process table of the explorer: processes in tree order (search filters them, a click on a
 * header sorts them), new rows marked, rows of ended processes struck through, the selection kept
 * in step with the graph's, and the process context menu (shared with the graph).
 * <p>
 * Steady under the hand: a refresh changes rows in place (the view-model never replaces the list),
 * so the selection, the focused row and the sort order stay; the row under the pointer (else the
 * first visible one) keeps its place on screen, however many rows came or went above it; the
 * context menu belongs to the table and names the process it was opened on, so a refresh neither
 * closes it nor moves it to another process.
 */
final class ProcessTable extends TableView<ProcessRow> {
    private final ExplorerViewModel vm;
    private boolean syncing;
    private ContextMenu menu;
    /** The row kept in place across a refresh: its pid and its distance from the top of the view. */
    private int anchorPid = -1;
    private double anchorOffset;
    private boolean anchorPending;
    private boolean pointerInside;
    /** What "Checkpoint container…" and "Restore container…" open (the main window's container controller). */
    private ContainerActions containerActions;

    /** The container commands of the process menu. */
    interface ContainerActions {
        void checkpoint(org.criuatlas.plan.container.ContainerMonitor c);

        void restore(org.criuatlas.plan.container.ContainerMonitor c);
    }

    void setContainerActions(ContainerActions a) { containerActions = a; }

    ProcessTable(ExplorerViewModel vm) {
        this.vm = vm;
        setId(Styles.ID_PROCESS_TABLE);
        SortedList<ProcessRow> sorted = new SortedList<>(vm.visibleRows());
        sorted.comparatorProperty().bind(comparatorProperty());
        setItems(sorted);
        setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<ProcessRow, Integer> pid = new TableColumn<>("PID");
        pid.setCellValueFactory(c -> new javafx.beans.property.SimpleObjectProperty<>(c.getValue().pid()));
        pid.setPrefWidth(64);
        pid.setMaxWidth(90);
        TableColumn<ProcessRow, String> cmd = new TableColumn<>("Process");
        cmd.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(c.getValue().indentedCommand()));
        cmd.setPrefWidth(220);
        TableColumn<ProcessRow, Integer> socks = new TableColumn<>("Sockets");
        socks.setCellValueFactory(c -> new javafx.beans.property.SimpleObjectProperty<>(c.getValue().sockets()));
        socks.setPrefWidth(60);
        socks.setMaxWidth(80);
        getColumns().setAll(java.util.List.of(pid, cmd, socks));
        setPlaceholder(new Label("No processes (yet)"));
        setRowFactory(tv -> {
            TableRow<ProcessRow> row = new TableRow<>() {
                @Override
                protected void updateItem(ProcessRow item, boolean empty) {
                    super.updateItem(item, empty);
                    boolean isNew = !empty && item != null && vm.marksVisibleProperty().get()
                            && vm.diffProperty().get().appearedPids().contains(item.pid());
                    boolean gone = !empty && item != null && vm.isGone(item.pid());
                    getStyleClass().removeAll(Styles.NEW_ROW, Styles.GONE_ROW);
                    if (isNew) getStyleClass().add(Styles.NEW_ROW);
                    if (gone) getStyleClass().add(Styles.GONE_ROW);
                }
            };
            // the menu is built per click for the process of this row at that moment
            row.setOnContextMenuRequested(e -> {
                if (row.getItem() != null) showMenu(row.getItem().pid(), e.getScreenX(), e.getScreenY());
                e.consume();
            });
            row.setOnMouseClicked(e -> {
                if (row.getItem() == null) return;
                if (e.getButton() == MouseButton.SECONDARY && (menu == null || !menu.isShowing())) {
                    // platforms without a context-menu event (the headless one) still get the menu
                    showMenu(row.getItem().pid(), e.getScreenX(), e.getScreenY());
                } else if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                    vm.focusSubtree(row.getItem().pid());
                }
            });
            return row;
        });
        vm.marksVisibleProperty().addListener((o, a, b) -> refresh());
        getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (syncing || b == null) return;
            syncing = true;
            try {
                vm.jumpTo(SelectedItem.process(b.pid()));
            } finally {
                syncing = false;
            }
        });
        vm.selectionProperty().addListener((o, a, b) -> syncTableTo(b, true));
        // a refresh: keep the anchor row where it is, and the selection on its process (no scrolling)
        vm.allRows().addListener((ListChangeListener<ProcessRow>) c -> {
            captureAnchor();
            syncTableTo(vm.getSelection(), false);
            refresh();
        });
        // "under the hand": the pointer over the table, or its menu open, holds the rows of ended processes
        addEventHandler(MouseEvent.MOUSE_ENTERED, e -> { pointerInside = true; updateHold(); });
        addEventHandler(MouseEvent.MOUSE_EXITED, e -> { pointerInside = false; updateHold(); });
    }

    private void updateHold() {
        vm.holdRowsProperty().set(pointerInside || (menu != null && menu.isShowing()));
    }

    /** The context menu, owned by the table (a row's cell may be reused by a refresh; the table stays). */
    private void showMenu(int pid, double x, double y) {
        if (menu != null) menu.hide();
        menu = processMenu(pid);
        menu.setUserData(pid);
        menu.showingProperty().addListener((o, a, b) -> updateHold());
        menu.show(this, x, y);
        updateHold();
    }

    /** The context menu opened last (tests look at it). */
    ContextMenu shownMenu() {
        return menu;
    }

    private VirtualFlow<?> flow() {
        return lookup(".virtual-flow") instanceof VirtualFlow<?> f ? f : null;
    }

    /**
     * Before the rows change on screen (the list changed; the cells still show the old rows): the
     * row under the pointer, else the first one visible, and where it is.
     */
    private void captureAnchor() {
        if (anchorPending) return;
        VirtualFlow<?> f = flow();
        if (f == null || f.getCellCount() == 0) return;
        IndexedCell<?> chosen = null, hovered = null;
        for (int i = 0; i < f.getCellCount(); i++) {
            IndexedCell<?> c = f.getCell(i);
            if (!(c instanceof TableRow<?> r) || r.getItem() == null || !r.isVisible()) continue;
            if (c.getLayoutY() + c.getHeight() <= 0) continue; // scrolled out above
            if (chosen == null || c.getLayoutY() < chosen.getLayoutY()) chosen = c;
            if (c.isHover()) hovered = c;
        }
        if (pointerInside && hovered != null) chosen = hovered;
        if (chosen == null) return;
        anchorPid = ((ProcessRow) ((TableRow<?>) chosen).getItem()).pid();
        anchorOffset = chosen.getLayoutY();
        anchorPending = true;
        requestLayout();
    }

    @Override
    protected void layoutChildren() {
        super.layoutChildren();
        if (!anchorPending) return;
        anchorPending = false;
        VirtualFlow<?> f = flow();
        if (f == null) return;
        int index = -1;
        for (int i = 0; i < getItems().size(); i++) {
            if (getItems().get(i).pid() == anchorPid) {
                index = i;
                break;
            }
        }
        if (index < 0) return;
        // the anchor row back to where it was on screen
        f.scrollToTop(index);
        f.scrollPixels(-anchorOffset);
    }

    /** The first row visible at the top of the view: {pid, offset}, null when none. */
    double[] topRow() {
        VirtualFlow<?> f = flow();
        if (f == null) return null;
        IndexedCell<?> top = null;
        for (int i = 0; i < f.getCellCount(); i++) {
            IndexedCell<?> c = f.getCell(i);
            if (!(c instanceof TableRow<?> r) || r.getItem() == null || !r.isVisible() || c.getLayoutY() + c.getHeight() <= 0) continue;
            if (top == null || c.getLayoutY() < top.getLayoutY()) top = c;
        }
        return top == null ? null : new double[]{((ProcessRow) ((TableRow<?>) top).getItem()).pid(), top.getLayoutY()};
    }

    /** Where the anchor of the last refresh is now, for tests: its pid and its offset from the top. */
    double[] rowPosition(int pid) {
        VirtualFlow<?> f = flow();
        if (f == null) return null;
        for (int i = 0; i < f.getCellCount(); i++) {
            IndexedCell<?> c = f.getCell(i);
            if (c instanceof TableRow<?> r && r.getItem() instanceof ProcessRow p && p.pid() == pid && r.isVisible())
                return new double[]{r.getIndex(), c.getLayoutY()};
        }
        return null;
    }

    /**
     * Selects the row of {@code s}'s process. {@code scroll}: bring it into view (the selection came
     * from elsewhere: the graph, a link); a refresh never scrolls.
     */
    private void syncTableTo(SelectedItem s, boolean scroll) {
        if (syncing) return;
        syncing = true;
        try {
            if (s == null || s.kind() != SelectedItem.Kind.PROCESS) {
                getSelectionModel().clearSelection();
                return;
            }
            var rows = getItems();
            ProcessRow selected = getSelectionModel().getSelectedItem();
            if (!scroll && selected != null && selected.pid() == s.pid()) return;
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).pid() == s.pid()) {
                    getSelectionModel().clearAndSelect(i);
                    if (scroll) scrollTo(Math.max(0, i - 3));
                    return;
                }
            }
            getSelectionModel().clearSelection();
        } finally {
            syncing = false;
        }
    }

    /** The context menu of a process, in the graph and in the table. */
    ContextMenu processMenu(int pid) {
        MenuItem focus = new MenuItem("Focus subtree");
        focus.setId(Styles.ID_MENU_FOCUS);
        focus.setOnAction(e -> vm.focusSubtree(pid));
        if (!vm.isLive()) return new ContextMenu(focus);
        MenuItem plan = new MenuItem("Plan dump of this subtree");
        plan.setId(Styles.ID_MENU_PLAN);
        plan.setAccelerator(new KeyCodeCombination(KeyCode.P, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        plan.setOnAction(e -> vm.plan().planSubtree(pid));
        MenuItem add = new MenuItem("Add to plan");
        add.setId(Styles.ID_MENU_ADD);
        add.setOnAction(e -> vm.plan().addProcess(pid));
        MenuItem remove = new MenuItem("Remove from plan");
        remove.setId(Styles.ID_MENU_REMOVE);
        remove.setOnAction(e -> vm.plan().removeProcess(pid));
        boolean planned = vm.plan().getOutcome() != null;
        add.setDisable(!planned);
        remove.setDisable(!planned || !vm.plan().getOutcome().pids().contains(pid));
        ContextMenu m = new ContextMenu(plan, add, remove, new SeparatorMenuItem(), focus);
        org.criuatlas.model.IpcGraph g = vm.getGraph();
        var container = g == null ? java.util.Optional.<org.criuatlas.plan.container.ContainerMonitor>empty()
                : org.criuatlas.plan.container.ContainerMonitor.of(g, pid);
        if (container.isPresent()) {
            // a container is a unit: its checkpoint is podman's, with runc's options
            var c = container.get();
            MenuItem planC = new MenuItem("Plan checkpoint of this container (" + c.name() + ")");
            planC.setId(Styles.ID_MENU_PLAN_CONTAINER);
            planC.setDisable(c.initPid() < 0);
            planC.setOnAction(e -> vm.plan().planContainer(pid));
            MenuItem checkpoint = new MenuItem("Checkpoint container\u2026");
            checkpoint.setId(Styles.ID_MENU_CHECKPOINT_CONTAINER);
            checkpoint.setDisable(containerActions == null || c.initPid() < 0);
            checkpoint.setOnAction(e -> containerActions.checkpoint(c));
            MenuItem restore = new MenuItem("Restore container\u2026");
            restore.setId(Styles.ID_MENU_RESTORE_CONTAINER);
            restore.setDisable(containerActions == null);
            restore.setOnAction(e -> containerActions.restore(c));
            m.getItems().addAll(0, java.util.List.of(planC, checkpoint, restore, new SeparatorMenuItem()));
        }
        return m;
    }
}
