package org.criuatlas.ui;

import org.criuatlas.ui.theme.Styles;
import javafx.geometry.Insets;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.criuatlas.ui.vm.ExplorerViewModel;
import org.criuatlas.ui.vm.Inspection;

/** The inspector: every property of the selection; related processes and objects are links that jump. */
public final class InspectorPane extends ScrollPane {
    private final Label title = new Label();
    private final GridPane grid = new GridPane();
    private final ExplorerViewModel vm;

    public InspectorPane(ExplorerViewModel vm) {
        this.vm = vm;
        setId(Styles.ID_INSPECTOR);
        getStyleClass().add(Styles.INSPECTOR);
        title.setId(Styles.ID_INSPECTOR_TITLE);
        title.getStyleClass().add(Styles.INSPECTOR_TITLE);
        title.setWrapText(true);
        grid.setHgap(8);
        grid.setVgap(2);
        ColumnConstraints names = new ColumnConstraints();
        names.setMinWidth(90);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().addAll(names, values);
        VBox box = new VBox(8, title, grid);
        box.setPadding(new Insets(8));
        setContent(box);
        setFitToWidth(true);
        vm.inspectionProperty().addListener((o, a, b) -> show(b));
        show(vm.inspectionProperty().get());
    }

    private void show(Inspection in) {
        title.setText(in.title());
        grid.getChildren().clear();
        int row = 0;
        for (Inspection.Property p : in.properties()) {
            Label name = new Label(p.name());
            name.getStyleClass().add(Styles.MUTED);
            grid.add(name, 0, row);
            if (p.link() != null) {
                Hyperlink link = new Hyperlink(p.value());
                link.setId("inspector-link-" + row);
                link.setWrapText(true);
                link.setOnAction(e -> vm.jumpTo(p.link()));
                grid.add(link, 1, row);
            } else {
                Label value = new Label(p.value());
                value.setWrapText(true);
                grid.add(value, 1, row);
            }
            row++;
        }
    }
}
