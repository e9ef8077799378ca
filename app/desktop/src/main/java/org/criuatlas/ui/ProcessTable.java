package org.criuatlas.ui;

import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.ProcessRow;

/**
 * The process table of the explorer: processes in tree order (search filters them), new rows marked,
 * the selection kept in step with the graph's, and the process context menu (shared with the graph).
 */
final class ProcessTable extends TableView<ProcessRow> {
    private final ExplorerViewModel vm;
    private boolean syncing;

    ProcessTable(ExplorerViewModel vm) {
        this.vm = vm;
        this.setId(Styles.ID_PROCESS_TABLE);
        this.setItems(vm.visibleRows());
        this.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
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
        this.getColumns().setAll(java.util.List.of(pid, cmd, socks));
        this.setPlaceholder(new Label("No processes (yet)"));
        this.setRowFactory(tv -> {
            TableRow<ProcessRow> row = new TableRow<>() {
                @Override
                protected void updateItem(ProcessRow item, boolean empty) {
                    super.updateItem(item, empty);
                    boolean isNew = !empty && item != null && vm.marksVisibleProperty().get()
                            && vm.diffProperty().get().appearedPids().contains(item.pid());
                    getStyleClass().remove(Styles.NEW_ROW);
                    if (isNew) getStyleClass().add(Styles.NEW_ROW);
                }
            };
            // the menu is built per click (it depends on the plan); the context-menu key opens it too
            ContextMenu[] shown = new ContextMenu[1];
            java.util.function.BiConsumer<Double, Double> showMenu = (x, y) -> {
                if (row.getItem() == null) return;
                if (shown[0] != null) shown[0].hide();
                shown[0] = processMenu(row.getItem().pid());
                shown[0].show(row, x, y);
            };
            row.setOnContextMenuRequested(e -> {
                if (shown[0] == null || !shown[0].isShowing()) showMenu.accept(e.getScreenX(), e.getScreenY());
                e.consume();
            });
            row.setOnMouseClicked(e -> {
                if (row.getItem() == null) return;
                if (e.getButton() == javafx.scene.input.MouseButton.SECONDARY) {
                    if (shown[0] == null || !shown[0].isShowing()) showMenu.accept(e.getScreenX(), e.getScreenY());
                } else if (e.getClickCount() == 2) {
                    vm.focusSubtree(row.getItem().pid());
                }
            });
            return row;
        });
        vm.marksVisibleProperty().addListener((o, a, b) -> this.refresh());
        this.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (syncing || b == null) return;
            syncing = true;
            try {
                vm.jumpTo(SelectedItem.process(b.pid()));
            } finally {
                syncing = false;
            }
        });
        vm.selectionProperty().addListener((o, a, b) -> syncTableTo(b));
        vm.allRows().addListener((javafx.collections.ListChangeListener<ProcessRow>) c -> syncTableTo(vm.getSelection()));
    }

    private void syncTableTo(SelectedItem s) {
        if (syncing) return;
        syncing = true;
        try {
            if (s == null || s.kind() != SelectedItem.Kind.PROCESS) {
                this.getSelectionModel().clearSelection();
                return;
            }
            var rows = vm.visibleRows();
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).pid() == s.pid()) {
                    this.getSelectionModel().clearAndSelect(i);
                    this.scrollTo(Math.max(0, i - 3));
                    return;
                }
            }
            this.getSelectionModel().clearSelection();
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
        return new ContextMenu(plan, add, remove, new SeparatorMenuItem(), focus);
    }

}
