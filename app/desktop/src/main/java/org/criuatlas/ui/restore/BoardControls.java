package org.criuatlas.ui.restore;

import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/** What the parts of the restore board (the view, its cards, its trust panel, its consoles) do alike. */
final class BoardControls {
    private BoardControls() {}

    /** A grid of two columns: names as wide as they need, values taking the rest (and wrapping in it). */
    static void nameAndValueColumns(GridPane grid) {
        ColumnConstraints names = new ColumnConstraints();
        names.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        values.setMinWidth(0);
        grid.getColumnConstraints().addAll(names, values);
    }

    /** Puts {@code s} on the system clipboard. */
    static void copyText(String s) {
        ClipboardContent cc = new ClipboardContent();
        cc.putString(s);
        Clipboard.getSystemClipboard().setContent(cc);
    }
}
