package org.criuatlas.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TitledPane;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.bridge.AtlasVersion;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Help &gt; About CRIU Atlas: the icon, the version Maven built, the CRIU and Java in use, and the
 * licence with the third-party notices (read from the class path, where the resources module puts
 * LICENSE and THIRD-PARTY-NOTICES.md).
 */
public final class AboutDialog {
    public static final String ID = "about-dialog";
    public static final String ID_VERSION = "about-version";
    static final String LEGAL = "/org/criuatlas/legal/";

    private AboutDialog() {}

    /** Opens the box over {@code owner} in the given theme; it closes with its button or Escape. */
    public static Stage open(Window owner, Theme theme, String criuStatus, String privilege) {
        Stage stage = new Stage();
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle("About CRIU Atlas");
        AtlasIcons.install(stage);

        ImageView icon = new ImageView(new Image(AtlasIcons.url(128)));
        icon.setFitWidth(96);
        icon.setFitHeight(96);
        Label name = new Label("CRIU Atlas");
        name.setStyle("-fx-font-size: 22px; -fx-font-weight: bold;");
        Label version = new Label("Version " + AtlasVersion.version());
        version.setId(ID_VERSION);
        Label tagline = new Label("See process trees with their pipes and unix sockets; plan, dump and restore them with CRIU.");
        tagline.setWrapText(true);
        VBox heading = new VBox(4, name, version, tagline);
        HBox top = new HBox(18, icon, heading);
        top.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(heading, Priority.ALWAYS);

        GridPane facts = new GridPane();
        facts.setHgap(12);
        facts.setVgap(4);
        String[][] rows = {
                {"CRIU", criuStatus == null || criuStatus.isBlank() ? "not checked yet" : criuStatus},
                {"Privileges", privilege == null || privilege.isBlank() ? "-" : privilege},
                {"Java", System.getProperty("java.runtime.version", System.getProperty("java.version"))
                        + " \u00b7 " + System.getProperty("java.home")},
                {"JavaFX", System.getProperty("javafx.runtime.version", "?")},
                {"Licence", "Apache License 2.0"},
        };
        for (int i = 0; i < rows.length; i++) {
            Label k = new Label(rows[i][0]);
            k.setStyle("-fx-font-weight: bold;");
            Label v = new Label(rows[i][1]);
            v.setWrapText(true);
            facts.addRow(i, k, v);
        }

        TextArea legal = new TextArea(legalText());
        legal.setEditable(false);
        legal.setWrapText(false);
        legal.setPrefRowCount(12);
        TitledPane notices = new TitledPane("Licence and third-party notices", legal);
        notices.setExpanded(false);
        notices.expandedProperty().addListener((o, a, b) -> stage.sizeToScene());

        Button close = new Button("Close");
        close.setDefaultButton(true);
        close.setCancelButton(true);
        close.setOnAction(e -> stage.close());
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox buttons = new HBox(spring, close);

        VBox body = new VBox(14, top, facts, notices);
        BorderPane root = new BorderPane(body);
        root.setBottom(buttons);
        BorderPane.setMargin(buttons, new Insets(12, 0, 0, 0));
        root.setPadding(new Insets(18));
        root.setId(ID);
        root.setPrefWidth(620);
        Scene scene = new Scene(root);
        String css = theme.stylesheetUrl();
        if (css != null) scene.getStylesheets().add(css);
        stage.setScene(scene);
        stage.show();
        return stage;
    }

    /** LICENSE and THIRD-PARTY-NOTICES.md as packaged, or a pointer when they are not on the class path. */
    static String legalText() {
        String license = resource("LICENSE");
        String notices = resource("THIRD-PARTY-NOTICES.md");
        if (license == null && notices == null) return "LICENSE and THIRD-PARTY-NOTICES.md are in the source tree.";
        return (notices == null ? "" : notices + "\n\n") + (license == null ? "" : license);
    }

    private static String resource(String name) {
        try (InputStream in = AboutDialog.class.getResourceAsStream(LEGAL + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
