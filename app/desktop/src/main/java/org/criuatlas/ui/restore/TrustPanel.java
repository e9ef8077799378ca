package org.criuatlas.ui.restore;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.restore.vm.RestoreBoardModel;
import org.criuatlas.ui.restore.vm.RestoreBoardWords;

import static org.criuatlas.ui.restore.RestoreBoardIds.*;

/**
 * The part of the {@link RestoreBoardView} shown when the host's trust gate refused the images
 * folder: why, one reason a row, and "Restore anyway" / "Cancel", bound to the board's model.
 */
final class TrustPanel {
    private TrustPanel() {}

    /**
     * Shown when the host's trust gate refused the images folder (criu was not started): why, one
     * reason a row with the path concerned, and "Restore anyway" / "Cancel". Inline, so nothing waits
     * on the FX thread; the restore that follows runs on the host like any other.
     */
    static Node of(RestoreBoardModel model) {
        Label title = new Label("\u26a0 Restore from a folder that is not trusted?");
        title.getStyleClass().add(Styles.CONFIRM_TITLE);
        title.setWrapText(true);
        Label folder = new Label();
        folder.setId(TRUST_FOLDER);
        folder.setWrapText(true);
        folder.getStyleClass().add(Styles.MONOSPACE);
        Label intro = new Label("CRIU restores whatever the images say, as root: anyone who could change this folder"
                + " could run code as root. criu was not started. Restore only if you know where these images come from.");
        intro.setWrapText(true);
        GridPane reasons = new GridPane();
        reasons.setId(TRUST_REASONS);
        reasons.setHgap(12);
        reasons.setVgap(4);
        BoardControls.nameAndValueColumns(reasons);
        Button anyway = new Button("Restore anyway");
        anyway.setId(TRUST_RESTORE_ANYWAY);
        anyway.setMinWidth(Region.USE_PREF_SIZE);
        anyway.getStyleClass().add(Styles.TITLE);
        anyway.setTooltip(new Tooltip("Restore from this folder as root, as it is"));
        anyway.setOnAction(e -> model.confirmRestore());
        Button cancel = new Button("Cancel");
        cancel.setId(TRUST_CANCEL);
        cancel.setMinWidth(Region.USE_PREF_SIZE);
        cancel.setOnAction(e -> model.declineRestore());
        HBox buttons = new HBox(10, anyway, cancel);
        buttons.setAlignment(Pos.CENTER_LEFT);
        buttons.setPadding(new Insets(4, 0, 0, 0));
        VBox panel = new VBox(6, title, folder, intro, reasons, buttons);
        panel.setId(TRUST_PANEL);
        panel.getStyleClass().add(Styles.CONFIRM_CARD);
        Runnable fill = () -> {
            org.criuatlas.host.RestoreGate.Verdict v = model.confirmationProperty().get();
            reasons.getChildren().clear();
            panel.setVisible(v != null);
            panel.setManaged(v != null);
            if (v == null) return;
            folder.setText("Images folder: " + v.folder());
            int row = 0;
            for (RestoreBoardWords.TrustReason r : RestoreBoardWords.trustReasons(v)) {
                Label name = new Label(r.title());
                name.getStyleClass().add(Styles.TITLE);
                Label text = new Label(r.text());
                text.setWrapText(true);
                text.setMinWidth(0);
                VBox what = new VBox(1, text);
                if (!r.path().isEmpty() && !r.text().contains(r.path())) {
                    Label path = new Label(r.path());
                    path.getStyleClass().addAll(Styles.MONOSPACE, Styles.SMALL, Styles.MUTED);
                    path.setWrapText(true);
                    path.setMinWidth(0);
                    what.getChildren().add(path);
                }
                reasons.addRow(row++, name, what);
            }
        };
        model.confirmationProperty().addListener((o, a, b) -> fill.run());
        fill.run();
        return panel;
    }
}
