package org.criuatlas.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.host.bridge.BridgeLauncher;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.theme.Themes;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hosts &gt; Add host…: an ssh destination ({@code user@server} or a name from ~/.ssh/config), then
 * Connect starts {@code ssh DEST criu-atlas bridge} with the person's keys and config (no password
 * prompt: batch mode) and opens the host's window; a failure says what ssh or the bridge said, with
 * what to do for the usual ones (host key not yet accepted, key refused, no criu-atlas there). Cancel
 * stops a connection that hangs (the ssh process is ended).
 */
public final class AddHostDialog {
    public static final String TITLE = "Add host";
    public static final String ID = "add-host";
    public static final String ID_DEST = "add-host-dest";
    public static final String ID_CONNECT = "add-host-connect";
    public static final String ID_CANCEL = "add-host-cancel";
    public static final String ID_STATE = "add-host-state";
    public static final String ID_BUSY = "add-host-busy";

    private final Stage stage = new Stage();
    private final HostsController hosts;
    private final TextField dest = new TextField();
    private final Button connect = new Button("Connect");
    private final Button cancel = new Button("Close");
    private final Label state = new Label("");
    private final ProgressIndicator busyMark = new ProgressIndicator(-1);
    private final AtomicReference<Process> ssh = new AtomicReference<>();
    private AtomicBoolean cancelled = new AtomicBoolean();
    private boolean busy;

    private AddHostDialog(Window owner, Themes themes, HostsController hosts) {
        this.hosts = hosts;
        stage.initOwner(owner);
        stage.setTitle(TITLE);
        AtlasIcons.install(stage);
        Label what = new Label("""
                CRIU Atlas reaches another machine with ssh: it runs "criu-atlas bridge" there with your keys and \
                your ssh config, and opens a window on that machine's processes. The same CRIU Atlas must be \
                installed there, and the user you connect as must be root to see every process and to dump.""");
        what.setWrapText(true);
        what.setMinHeight(Region.USE_PREF_SIZE);
        dest.setId(ID_DEST);
        dest.setPromptText("user@server, or a Host name from ~/.ssh/config");
        HBox.setHgrow(dest, Priority.ALWAYS);
        HBox destRow = new HBox(8, new Label("Host:"), dest);
        destRow.setAlignment(Pos.BASELINE_LEFT);
        connect.setId(ID_CONNECT);
        connect.setDefaultButton(true);
        connect.disableProperty().bind(dest.textProperty().isEmpty());
        cancel.setId(ID_CANCEL);
        busyMark.setId(ID_BUSY);
        busyMark.setPrefSize(18, 18);
        busyMark.setVisible(false);
        state.setId(ID_STATE);
        state.setWrapText(true);
        state.setMinHeight(Region.USE_PREF_SIZE);
        state.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(state, Priority.ALWAYS);
        connect.setOnAction(e -> connect());
        cancel.setOnAction(e -> {
            if (busy) cancel();
            else stage.close();
        });
        stage.setOnCloseRequest(e -> {
            if (busy) cancel();
        });
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox buttons = new HBox(8, spring, connect, cancel);
        HBox stateRow = new HBox(8, busyMark, state);
        stateRow.setAlignment(Pos.TOP_LEFT);
        VBox root = new VBox(12, what, destRow, stateRow, buttons);
        root.setPadding(new Insets(16));
        root.setPrefWidth(560);
        root.setId(ID);
        stage.setScene(themes.style(new Scene(root)));
    }

    /** Opens the dialog; with {@code dest} it is filled in and connects at once. On the FX thread. */
    static AddHostDialog open(Window owner, Themes themes, HostsController hosts, String dest) {
        AddHostDialog d = new AddHostDialog(owner, themes, hosts);
        d.stage.show();
        if (dest != null) {
            d.dest.setText(dest);
            d.connect();
        }
        return d;
    }

    public Stage stage() { return stage; }

    /** What the dialog says now (tests read it). */
    public String stateText() { return state.getText(); }

    public boolean busy() { return busy; }

    private void connect() {
        String d = dest.getText().strip();
        try {
            BridgeLauncher.checkDestination(d);
        } catch (IllegalArgumentException e) {
            show(e.getMessage(), true);
            return;
        }
        setBusy(true);
        AtomicBoolean mine = new AtomicBoolean();
        cancelled = mine;
        ssh.set(null);
        show("Connecting to " + d + " with ssh\u2026", false);
        hosts.connect(d, ssh::set, mine::get).whenCompleteAsync((window, error) -> {
            if (cancelled != mine) return; // a later attempt owns the dialog now
            setBusy(false);
            if (error == null) {
                stage.close();
                return;
            }
            Throwable why = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (mine.get() || why instanceof CancellationException) show("Cancelled: nothing was opened.", false);
            else show(explain(d, why.getMessage()), true);
        }, javafx.application.Platform::runLater);
    }

    private void cancel() {
        cancelled.set(true);
        Process p = ssh.get();
        if (p != null) p.destroy();
        show("Cancelling\u2026", false);
    }

    private void setBusy(boolean b) {
        busy = b;
        busyMark.setVisible(b);
        dest.setDisable(b);
        connect.disableProperty().unbind();
        if (b) connect.setDisable(true);
        else connect.disableProperty().bind(dest.textProperty().isEmpty());
        cancel.setText(b ? "Cancel" : "Close");
    }

    private void show(String text, boolean error) {
        state.setText(text);
        state.getStyleClass().remove(Styles.STATUS_ERROR);
        if (error) state.getStyleClass().add(Styles.STATUS_ERROR);
        // a longer answer (ssh's own words) grows the dialog instead of pushing the buttons out of it
        if (stage.isShowing()) javafx.application.Platform.runLater(stage::sizeToScene);
    }

    /** What ssh or the bridge said, and what to do for the usual failures. */
    static String explain(String dest, String message) {
        String m = message == null ? "the connection failed" : message;
        if (m.contains("Host key verification failed"))
            return m + "\nssh does not know this host's key yet: connect once in a terminal (ssh " + dest
                    + "), check the fingerprint and accept it, then Connect again.";
        if (m.contains("Permission denied"))
            return m + "\nssh found no key the host accepts (no password prompt here): add your key to the host's "
                    + "authorized_keys, or load it into your ssh agent.";
        if (m.contains("command not found") || m.contains("No such file"))
            return m + "\nCRIU Atlas is not installed there (or not on the PATH of a non-interactive ssh): install the "
                    + "same version there; docs/bridge.md says how.";
        return m;
    }
}
