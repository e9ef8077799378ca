package org.criuatlas.ui;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;
import org.criuatlas.ui.theme.Themes;

/** Alerts of the window, owned by it and styled by the application's theme (never shown unstyled). */
public final class Dialogs {
    /** Help &gt; How to read the graph. */
    static final String HOW_TO_READ = """
            Boxes are processes, laid out as the process tree (parent left, children right).
            Lines between processes are the objects they share: unix sockets (peer to peer), pipes (writer to \
            reader) and terminals.

            Right-click a process and choose "Plan dump of this subtree": the processes CRIU would dump are \
            outlined, and every line that leaves them is coloured by what CRIU will do with it:
              red     the dump fails on it (tick a fix in the plan panel)
              amber   it dumps, but the restore must be handed something
              green   a tick made it dump cleanly
              grey    the snapshot cannot tell
            A badge on a crossing line opens its row in the plan panel. "Dump…" runs the dump; a failure is \
            pinned on the graph (yellow banner) with its fix as a button.""";

    private Dialogs() {}

    public static final String ID_CONFIRM_QUIT = "confirm-quit";

    public static Alert info(Window owner, Themes themes, String title, String text) {
        Alert a = themes.style(new Alert(Alert.AlertType.INFORMATION, text));
        if (owner != null) a.initOwner(owner);
        a.setTitle(title);
        a.setHeaderText(title);
        a.getDialogPane().setMinWidth(560);
        a.show();
        return a;
    }

    public static Alert error(Window owner, Themes themes, String header, String text) {
        Alert a = themes.style(new Alert(Alert.AlertType.ERROR, text));
        if (owner != null) a.initOwner(owner);
        a.setHeaderText(header);
        a.show();
        return a;
    }

    /** The two answers of a confirmation, the safe one ({@code stay}) the default. */
    public static Alert confirm(Window owner, Themes themes, String header, String text, ButtonType go, ButtonType stay) {
        Alert a = themes.style(new Alert(Alert.AlertType.CONFIRMATION, text, go, stay));
        if (owner != null) a.initOwner(owner);
        a.setHeaderText(header);
        // the safe answer is the default (Enter) and the cancel (Escape)
        ((javafx.scene.control.Button) a.getDialogPane().lookupButton(go)).setDefaultButton(false);
        ((javafx.scene.control.Button) a.getDialogPane().lookupButton(stay)).setDefaultButton(true);
        return a;
    }

    public static ButtonType button(String text, boolean cancels) {
        return new ButtonType(text, cancels ? ButtonBar.ButtonData.CANCEL_CLOSE : ButtonBar.ButtonData.OK_DONE);
    }
}
