package org.criuatlas.ui;

import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import org.criuatlas.host.CriuStatus;
import org.criuatlas.host.HostInfo;
import org.criuatlas.ui.theme.Styles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * Help &gt; About CRIU Atlas: the version the build recorded, JavaFX, the JDK, which CRIU and why
 * (version, path, how it was found, {@code criu check}), the kernel, and where the log file is. The
 * facts are gathered off the FX thread (asking the host may run criu), then shown.
 */
final class AboutBox {
    static final String ID = "about-dialog";
    static final String ID_VERSION = "about-version";
    static final String ID_JAVAFX = "about-javafx";
    static final String ID_JDK = "about-jdk";
    static final String ID_CRIU = "about-criu";
    static final String ID_KERNEL = "about-kernel";
    static final String ID_LOG = "about-log";
    static final String BUILD_INFO = "/org/criuatlas/ui/desktop-build.properties";

    /**
     * What the box shows.
     *
     * @param appVersion the version Maven built
     * @param javafx     the JavaFX runtime
     * @param jdk        the Java runtime and its vendor
     * @param criu       which CRIU and what it said
     * @param host       the machine (kernel)
     * @param logFile    the log file, when one is written
     */
    record Facts(String appVersion, String javafx, String jdk, CriuStatus criu, HostInfo host, Optional<Path> logFile) {}

    private AboutBox() {}

    /** Gathers the facts on the background pool; the status the window already has is used when it found criu. */
    static CompletableFuture<Facts> gather(WindowServices services, CriuStatus known) {
        return CompletableFuture.supplyAsync(() -> new Facts(appVersion(),
                System.getProperty("javafx.runtime.version", "?"),
                System.getProperty("java.runtime.version", System.getProperty("java.version")) + " ("
                        + System.getProperty("java.vendor", "?") + ")",
                known != null && known != CriuStatus.UNKNOWN ? known : services.host().criuStatus(),
                services.host().info(), services.logFile().get()), services.background());
    }

    /** The version the build wrote into the desktop module's resources (Maven resource filtering). */
    static String appVersion() {
        return org.criuatlas.bridge.AtlasVersion.version();
    }

    static Stage show(javafx.stage.Window owner, WindowServices services, Facts f) {
        Label name = new Label("CRIU Atlas");
        name.getStyleClass().add(Styles.WINDOW_HEADING);
        Label tagline = new Label("See process trees and what they hold (sockets, pipes, terminals, files, locks); plan, dump and restore them with CRIU.");
        tagline.setWrapText(true);
        GridPane facts = new GridPane();
        facts.setHgap(12);
        facts.setVgap(6);
        int row = 0;
        row = fact(facts, row, "Version", f.appVersion(), ID_VERSION);
        row = fact(facts, row, "JavaFX", f.javafx(), ID_JAVAFX);
        row = fact(facts, row, "Java", f.jdk(), ID_JDK);
        row = fact(facts, row, "CRIU", f.criu().details(), ID_CRIU);
        row = fact(facts, row, "Kernel", f.host().kernel() + " on " + f.host().describe(), ID_KERNEL);
        fact(facts, row, "Log file", f.logFile().map(Path::toString)
                .orElse("none: the application does not write a log file yet"), ID_LOG);

        Stage stage = new Stage();
        if (owner != null) stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle("About CRIU Atlas");
        Button close = new Button("Close");
        close.setDefaultButton(true);
        close.setCancelButton(true);
        close.setOnAction(e -> stage.close());
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        BorderPane root = new BorderPane(new VBox(12, name, tagline, facts));
        root.setBottom(new HBox(spring, close));
        BorderPane.setMargin(root.getBottom(), new Insets(12, 0, 0, 0));
        root.setPadding(new Insets(18));
        root.setId(ID);
        root.getStyleClass().add(Styles.DIALOG_ROOT);
        root.setPrefWidth(640);
        stage.setScene(services.themes().style(new Scene(root)));
        stage.show();
        return stage;
    }

    private static int fact(GridPane g, int row, String key, String value, String id) {
        Label k = new Label(key);
        k.getStyleClass().add(Styles.TITLE);
        // never squeezed into "...": a long value (a path) wraps instead (seen in the installed app's About box)
        k.setMinWidth(Region.USE_PREF_SIZE);
        Label v = new Label(value);
        v.setId(id);
        v.setWrapText(true);
        v.setMinHeight(Region.USE_PREF_SIZE);
        g.addRow(row, k, v);
        return row + 1;
    }
}
