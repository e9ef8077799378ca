package org.criuatlas.ui;

import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.ui.plan.SuggestionRow;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.vm.PlanViewModel;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * "Make it dumpable…" of the plan panel: the search runs off the FX thread on the snapshot and the
 * ticks the plan shows now; the window lists each suggestion with what it changes, what it costs
 * at restore and the plan it leads to; "Apply" puts it into the plan. Closing the window while it
 * searches drops the answer.
 */
final class SuggestController {
    private final AtlasApp.Window main;
    private final WindowServices services;
    private Stage stage;
    private CompletableFuture<List<SuggestionRow>> search;

    SuggestController(AtlasApp.Window main, WindowServices services) {
        this.main = main;
        this.services = services;
        main.view().planPanel().enableMakeDumpable(this::open);
    }

    /** The suggestions window while it shows (tests read it). */
    Stage stage() { return stage; }

    /** Opens the window and starts the search for the plan shown now. On the FX thread. */
    Stage open() {
        PlanViewModel plan = main.vm().plan();
        PlanViewModel.Request asked = plan.request();
        IpcGraph g = main.vm().getGraph();
        if (stage != null) stage.close();

        Label status = new Label("Looking for the fewest changes that make the dump of pid "
                + (asked == null ? "?" : asked.rootPid()) + " succeed\u2026");
        status.setId(Styles.ID_SUGGESTIONS_STATUS);
        status.setWrapText(true);
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(22, 22);
        HBox head = new HBox(8, busy, status);
        VBox cards = new VBox(10);
        cards.setId(Styles.ID_SUGGESTIONS);
        cards.setPadding(new Insets(4));
        ScrollPane scroll = new ScrollPane(cards);
        scroll.setFitToWidth(true);
        Button close = new Button("Close");
        close.setCancelButton(true);
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        BorderPane root = new BorderPane(scroll);
        root.setTop(head);
        root.setBottom(new HBox(spring, close));
        BorderPane.setMargin(head, new Insets(0, 0, 10, 0));
        BorderPane.setMargin(root.getBottom(), new Insets(10, 0, 0, 0));
        root.setPadding(new Insets(14));
        root.getStyleClass().add(Styles.DIALOG_ROOT);
        root.setPrefSize(760, 520);

        Stage s = new Stage();
        s.initOwner(main.stage());
        s.setTitle("Make it dumpable");
        s.setScene(services.themes().style(new Scene(root)));
        close.setOnAction(e -> s.close());
        stage = s;

        int self = (int) ProcessHandle.current().pid();
        CompletableFuture<List<SuggestionRow>> f = CompletableFuture.supplyAsync(
                () -> plan.suggestFor(g, asked, self), services.background());
        search = f;
        s.setOnHidden(e -> f.cancel(false));
        f.whenCompleteAsync((rows, err) -> {
            if (f.isCancelled() || stage != s) return;
            busy.setVisible(false);
            busy.setManaged(false);
            if (err != null) {
                status.setText("The search failed: " + err.getMessage());
                return;
            }
            if (rows.isEmpty()) {
                status.setText("No set of changes the window can make lets this dump succeed. The plan panel's"
                        + " checks and grey rows say what cannot be decided or fixed from here.");
                return;
            }
            status.setText(rows.size() + " way" + (rows.size() == 1 ? "" : "s") + " to make it dump, cheapest at restore first."
                    + " Each is the planner's own plan with the changes applied.");
            int n = 0;
            for (SuggestionRow r : rows) cards.getChildren().add(card(++n, r, s));
        }, services.ui());
        s.show();
        return s;
    }

    private VBox card(int n, SuggestionRow r, Stage s) {
        Label title = new Label(n + ". " + (r.changes().size() == 1 ? r.changes().get(0) : r.changes().size() + " changes"));
        title.getStyleClass().add(Styles.TITLE);
        title.setWrapText(true);
        VBox box = new VBox(3, title);
        if (r.changes().size() > 1)
            for (String c : r.changes()) {
                Label l = new Label("\u2022 " + c);
                l.setWrapText(true);
                box.getChildren().add(l);
            }
        Label cost = new Label("At restore: " + r.cost());
        cost.getStyleClass().add(Styles.MUTED);
        Label result = new Label("Then: " + r.resultText());
        result.setWrapText(true);
        TextArea cmd = new TextArea(r.commandText());
        cmd.setEditable(false);
        cmd.setWrapText(true);
        cmd.setPrefRowCount(2);
        cmd.getStyleClass().add(Styles.COMMAND_FIELD);
        Button apply = new Button(r.applyText());
        apply.setId(Styles.ID_SUGGESTION_APPLY + "-" + n);
        apply.setDefaultButton(n == 1);
        apply.setOnAction(e -> {
            main.vm().plan().apply(r);
            s.close();
        });
        box.getChildren().addAll(cost, result, cmd, apply);
        box.getStyleClass().add(Styles.SUGGESTION_CARD);
        box.setPadding(new Insets(8));
        return box;
    }

    /** The search under way or done (tests wait on it). */
    CompletableFuture<List<SuggestionRow>> search() { return search; }
}
