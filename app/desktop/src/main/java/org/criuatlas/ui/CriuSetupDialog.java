package org.criuatlas.ui;

import org.criuatlas.ui.fx.FxThread;
import org.criuatlas.ui.theme.Theme;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuProvisioning;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Help &gt; Set up CRIU…: says what it will do, then runs the project's provision-criu.sh (the
 * route CI verifies) on its own thread with the script's progress lines shown as they come, or
 * checks a criu the user picks. Cancel stops the script. On success {@code onReady} gets the path.
 */
public final class CriuSetupDialog {
    public static final String ID = "criu-setup";
    public static final String ID_DOWNLOAD = "criu-setup-download";
    public static final String ID_USE = "criu-setup-use";
    public static final String ID_CANCEL = "criu-setup-cancel";
    public static final String ID_LOG = "criu-setup-log";
    public static final String ID_STATE = "criu-setup-state";

    private final Stage stage = new Stage();
    private final Label state = new Label();
    private final ProgressBar progress = new ProgressBar();
    private final TextArea log = new TextArea();
    private final Button download = new Button("Download and set up CRIU");
    private final Button use = new Button("Use a criu I have\u2026");
    private final Button cancel = new Button("Close");
    private final Consumer<Path> onReady;
    private volatile CriuProvisioning running;

    private CriuSetupDialog(Window owner, Theme theme, Consumer<Path> onReady) {
        this.onReady = onReady;
        stage.initOwner(owner);
        stage.setTitle("Set up CRIU");
        AtlasIcons.install(stage);
        Label what = new Label("""
                CRIU Atlas needs CRIU 4 or later to dump and restore (Debian 12's criu 3.17 fails on current kernels).

                "Download and set up CRIU" fetches CRIU and its libraries from Debian's archive with a private apt \
                configuration and unpacks them into %s. Nothing on the system changes: no package is installed and \
                the apt sources stay as they are. %s

                Or pick a criu 4.x binary you already have; it is checked the same way.""".formatted(
                CriuProvisioning.installFolder(), CriuProvisioning.asRoot()
                        ? "It is then checked with `criu check`."
                        : "Without root `criu check` cannot run; dumps and restores need root anyway."));
        what.setWrapText(true);
        state.setId(ID_STATE);
        state.setWrapText(true);
        progress.setMaxWidth(Double.MAX_VALUE);
        progress.setVisible(false);
        log.setId(ID_LOG);
        log.setEditable(false);
        log.setPrefRowCount(10);
        log.setStyle("-fx-font-family: monospace;");
        download.setId(ID_DOWNLOAD);
        download.setDefaultButton(true);
        use.setId(ID_USE);
        cancel.setId(ID_CANCEL);
        Optional<Path> script = CriuProvisioning.script();
        if (script.isEmpty()) {
            state.setText(CriuProvisioning.SCRIPT + " is not part of this installation; set " + CriuLocator.ENV
                    + " to a criu 4.x binary instead.");
            download.setDisable(true);
            use.setDisable(true);
        }
        download.setOnAction(e -> script.ifPresent(s -> run(s, null)));
        use.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Choose a criu binary (CRIU 4 or later)");
            File f = fc.showOpenDialog(stage);
            if (f != null) script.ifPresent(s -> run(s, f.toPath()));
        });
        cancel.setOnAction(e -> {
            CriuProvisioning r = running;
            if (r != null) r.cancel();
            else stage.close();
        });
        stage.setOnCloseRequest(e -> {
            CriuProvisioning r = running;
            if (r != null) r.cancel();
        });
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox buttons = new HBox(8, use, spring, download, cancel);
        VBox root = new VBox(12, what, buttons, progress, state, log);
        VBox.setVgrow(log, Priority.ALWAYS);
        root.setPadding(new Insets(16));
        root.setPrefWidth(640);
        root.setId(ID);
        Scene scene = new Scene(root);
        String css = theme.stylesheetUrl();
        if (css != null) scene.getStylesheets().add(css);
        stage.setScene(scene);
    }

    /** Opens the dialog (it asks before doing anything). */
    public static CriuSetupDialog open(Window owner, Theme theme, Consumer<Path> onReady) {
        CriuSetupDialog d = new CriuSetupDialog(owner, theme, onReady);
        d.stage.show();
        return d;
    }

    public Stage stage() { return stage; }

    private void run(Path script, Path userCriu) {
        busy(true);
        log.clear();
        state.setText(userCriu == null ? "Downloading and checking CRIU\u2026" : "Checking " + userCriu + "\u2026");
        Thread t = new Thread(() -> {
            try {
                running = CriuProvisioning.start(script, userCriu, line -> FxThread.run(() -> log.appendText(line + "\n")));
                Path criu = running.await();
                FxThread.run(() -> {
                    state.setText("Ready: CRIU Atlas uses " + criu + ". Dump and restore are available.");
                    busy(false);
                    download.setDisable(true);
                    onReady.accept(criu);
                });
            } catch (CriuProvisioning.ProvisioningException e) {
                FxThread.run(() -> {
                    state.setText(e.getMessage().equals("cancelled") ? "Cancelled: nothing is used."
                            : "Failed: " + e.getMessage() + ". The lines below say why.");
                    busy(false);
                });
            } catch (IOException e) {
                FxThread.run(() -> {
                    state.setText("Cannot run " + script + ": " + e.getMessage());
                    busy(false);
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running = null;
            }
        }, "criu-setup");
        t.setDaemon(true);
        t.start();
    }

    private void busy(boolean b) {
        progress.setVisible(b);
        progress.setProgress(b ? ProgressBar.INDETERMINATE_PROGRESS : 0);
        download.setDisable(b);
        use.setDisable(b);
        cancel.setText(b ? "Cancel" : "Close");
    }
}
