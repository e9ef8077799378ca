package org.criuatlas.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.criuatlas.host.Host;
import org.criuatlas.host.HostEvent;
import org.criuatlas.host.bridge.BridgeLauncher;
import org.criuatlas.host.migrate.Migration;
import org.criuatlas.host.migrate.MigrationEvent;
import org.criuatlas.host.migrate.MigrationOutcome;
import org.criuatlas.host.migrate.MigrationPreflight;
import org.criuatlas.host.migrate.MigrationRequest;
import org.criuatlas.host.migrate.Preflight;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.ui.fx.LatestOnly;
import org.criuatlas.ui.theme.Styles;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * "Move to host…" of the plan panel: moves the planned tree to another host through the bridges
 * ({@link Migration}). The person chooses the host (this machine, or {@code ssh DEST}), presses
 * Check (the preflight runs there: CRIU, pids, open files, named sockets, wiring) and, when
 * nothing blocks, Move: dump, transfer (bytes and files), restore and check, each with its own
 * progress bar; Cancel stops at any stage (before the dump the tree runs on; after it, its images
 * stay on this host). Every host call runs on the window's background executor.
 *
 * <p>Just over 400 lines because it is one dialog with five stages whose controls (progress bars,
 * Check, Move, Cancel) change together; the work itself is {@link Migration}'s.
 */
public final class MoveDialog {
    public static final String ID = "move";
    public static final String TITLE = "Move to host";
    public static final String ID_LOCAL = "move-local";
    public static final String ID_SSH = "move-ssh";
    public static final String ID_DEST = "move-dest";
    public static final String ID_SOURCE_DIR = "move-source-dir";
    public static final String ID_TARGET_DIR = "move-target-dir";
    public static final String ID_CHECK = "move-check";
    public static final String ID_START = "move-start";
    public static final String ID_CANCEL = "move-cancel";
    public static final String ID_FINDINGS = "move-findings";
    public static final String ID_STATE = "move-state";
    /** The progress bar of a stage: {@code move-progress-dump}, {@code move-progress-transfer}... */
    public static final String ID_PROGRESS = "move-progress-";
    public static final String ID_STAGE_TEXT = "move-stage-";

    private final Stage stage = new Stage();
    private final WindowServices services;
    private final IpcGraph graph;
    private final DumpPlan plan;
    private final RadioButton local = new RadioButton("This machine");
    private final RadioButton ssh = new RadioButton("Over ssh:");
    private final TextField dest = new TextField();
    private final TextField sourceDir = new TextField();
    private final TextField targetDir = new TextField();
    private final Button check = new Button("Check");
    private final Button move = new Button("Move");
    private final Button cancel = new Button("Close");
    private final VBox findings = new VBox(2);
    private final Label state = new Label("Choose the host, then Check: nothing is done until you press Move.");
    private final Map<MigrationEvent.Stage, ProgressBar> bars = new EnumMap<>(MigrationEvent.Stage.class);
    private final Map<MigrationEvent.Stage, Label> texts = new EnumMap<>(MigrationEvent.Stage.class);
    private final LatestOnly<MigrationEvent.Bytes> bytes;
    private volatile Host target;
    private volatile String targetName;
    private volatile Migration running;
    private Preflight checked;
    private boolean busy;

    private MoveDialog(Window owner, WindowServices services, IpcGraph graph, DumpPlan plan) {
        this.services = services;
        this.graph = graph;
        this.plan = plan;
        this.bytes = new LatestOnly<>(services.ui(), this::showBytes);
        stage.initOwner(owner);
        stage.setTitle(TITLE);
        AtlasIcons.install(stage);

        var rootProc = graph.process(plan.root());
        Label heading = new Label("Move " + (rootProc != null ? rootProc.comm() : "the tree") + " (pid " + plan.root() + ", "
                + plan.dumped().size()
                + (plan.dumped().size() == 1 ? " process)" : " processes)") + " to another host");
        heading.getStyleClass().add(Styles.WINDOW_HEADING);
        heading.setWrapText(true);
        heading.setMinHeight(Region.USE_PREF_SIZE);
        Label what = new Label("CRIU Atlas checks the target first, then dumps the tree here, streams the images there"
                + " (each file's SHA-256 checked there), restores it there with its wiring and checks that it runs."
                + " Cancel at any stage: before the dump the tree runs on here; after it, its images stay here to restore.");
        what.setWrapText(true);
        what.setMinHeight(Region.USE_PREF_SIZE);

        ToggleGroup g = new ToggleGroup();
        local.setToggleGroup(g);
        ssh.setToggleGroup(g);
        local.setId(ID_LOCAL);
        ssh.setId(ID_SSH);
        ssh.setSelected(true);
        dest.setId(ID_DEST);
        dest.setPromptText("[user@]host, as ssh takes it");
        dest.disableProperty().bind(local.selectedProperty());
        HBox.setHgrow(dest, Priority.ALWAYS);
        // another host than the one checked: check again before Move
        dest.textProperty().addListener((o, a, b) -> uncheck());
        local.selectedProperty().addListener((o, a, b) -> uncheck());
        HBox hostRow = new HBox(10, new Label("Target:"), local, ssh, dest);
        hostRow.setAlignment(Pos.BASELINE_LEFT);

        sourceDir.setId(ID_SOURCE_DIR);
        targetDir.setId(ID_TARGET_DIR);
        sourceDir.setPromptText("default: ~/criu-atlas-dumps here");
        targetDir.setPromptText("default: ~/criu-atlas-dumps there");
        HBox.setHgrow(sourceDir, Priority.ALWAYS);
        HBox.setHgrow(targetDir, Priority.ALWAYS);
        HBox folderRow = new HBox(10, new Label("Images here in:"), sourceDir, new Label("there in:"), targetDir);
        folderRow.setAlignment(Pos.BASELINE_LEFT);

        check.setId(ID_CHECK);
        check.setDefaultButton(true);
        move.setId(ID_START);
        move.setDisable(true);
        cancel.setId(ID_CANCEL);
        check.setOnAction(e -> check());
        move.setOnAction(e -> move());
        cancel.setOnAction(e -> {
            if (busy) cancel();
            else stage.close();
        });
        stage.setOnCloseRequest(e -> {
            if (busy) {
                cancel();
                e.consume();
            }
        });
        stage.setOnHidden(e -> closeTarget());
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox buttons = new HBox(8, spring, check, move, cancel);

        findings.setId(ID_FINDINGS);
        ScrollPane findingsScroll = new ScrollPane(findings);
        findingsScroll.setFitToWidth(true);
        findingsScroll.setPrefViewportHeight(170);

        GridPane stages = new GridPane();
        stages.setHgap(10);
        stages.setVgap(6);
        int row = 0;
        for (MigrationEvent.Stage s : MigrationEvent.Stage.values()) {
            ProgressBar b = new ProgressBar(0);
            b.setId(ID_PROGRESS + s.name().toLowerCase(java.util.Locale.ROOT));
            b.setPrefWidth(180);
            Label t = new Label("");
            t.setId(ID_STAGE_TEXT + s.name().toLowerCase(java.util.Locale.ROOT));
            t.getStyleClass().add(Styles.MUTED);
            t.setWrapText(true);
            t.setMaxWidth(560);
            t.setMinHeight(Region.USE_PREF_SIZE);
            bars.put(s, b);
            texts.put(s, t);
            stages.addRow(row++, new Label(s.label()), b, t);
        }
        state.setId(ID_STATE);
        state.setWrapText(true);
        state.setMinHeight(Region.USE_PREF_SIZE);

        VBox root = new VBox(12, heading, what, hostRow, folderRow, buttons, new Label("Preflight on the target:"), findingsScroll, stages, state);
        VBox.setVgrow(findingsScroll, Priority.ALWAYS);
        root.setPadding(new Insets(16));
        root.setPrefWidth(860);
        root.setId(ID);
        root.getStyleClass().add(Styles.DIALOG_ROOT);
        stage.setScene(services.themes().style(new Scene(root)));
    }

    /** Opens the dialog for {@code plan} (made from {@code graph} of the window's host). On the FX thread. */
    public static MoveDialog open(Window owner, WindowServices services, IpcGraph graph, DumpPlan plan) {
        MoveDialog d = new MoveDialog(owner, services, graph, plan);
        d.stage.show();
        return d;
    }

    public Stage stage() { return stage; }

    private void uncheck() {
        if (busy || checked == null) return;
        checked = null;
        move.setDisable(true);
        findings.getChildren().clear();
        state.setText("Another host: Check it first.");
    }

    /** Check: opens the target (off the FX thread) and runs the preflight there. */
    public void check() {
        if (busy) return;
        boolean here = local.isSelected();
        String where = here ? "this machine" : dest.getText().strip();
        if (!here) {
            try {
                BridgeLauncher.checkDestination(where);
            } catch (IllegalArgumentException e) {
                state.setText("Cannot use that host: " + e.getMessage() + ".");
                return;
            }
        }
        setBusy(true);
        move.setDisable(true);
        findings.getChildren().clear();
        state.setText("Connecting to " + where + " and checking\u2026");
        services.background().execute(() -> {
            try {
                Host t = here ? services.host() : reuseOrOpen(where);
                String src = services.host().info().name();
                Preflight pf = MigrationPreflight.check(services.host(), src, t, where, graph, plan, false);
                services.ui().execute(() -> checked(pf));
            } catch (Exception | Error e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                services.ui().execute(() -> {
                    setBusy(false);
                    state.setText("The check could not run on " + where + ": " + why);
                });
            }
        });
    }

    private Host reuseOrOpen(String where) {
        Host t = target;
        if (t != null && where.equals(targetName)) return t;
        closeTarget();
        Host h = BridgeLauncher.ssh(where);
        target = h;
        targetName = where;
        return h;
    }

    private void checked(Preflight pf) {
        setBusy(false);
        checked = pf;
        showFindings(pf);
        move.setDisable(pf.blocked());
        state.setText(pf.blocked() ? pf.blocking().size() + " finding(s) block the move: nothing can be done until they are fixed."
                : "Nothing blocks the move" + (pf.sameMachine() ? " (the target is this same machine: the dump frees the pids)" : "")
                + ". Press Move to go on.");
    }

    private void showFindings(Preflight pf) {
        findings.getChildren().clear();
        for (Preflight.Finding f : pf.findings()) {
            String mark = switch (f.severity()) {
                case OK -> "\u2714";
                case WARNS -> "\u26a0";
                case BLOCKS -> "\u2716";
            };
            Label l = new Label(mark + "  " + f.check().label() + ": " + f.text());
            l.setWrapText(true);
            l.setMinHeight(Region.USE_PREF_SIZE);
            l.getStyleClass().add(switch (f.severity()) {
                case OK -> Styles.MOVE_OK;
                case WARNS -> Styles.MOVE_WARNS;
                case BLOCKS -> Styles.MOVE_BLOCKS;
            });
            findings.getChildren().add(l);
        }
    }

    /** Move: the migration, with its stages shown as they go. */
    public void move() {
        if (busy || checked == null || checked.blocked()) return;
        Host t = local.isSelected() ? services.host() : target;
        String where = local.isSelected() ? "this machine" : targetName;
        if (t == null) return;
        java.nio.file.Path here, there;
        try {
            here = folder(sourceDir.getText());
            there = folder(targetDir.getText());
        } catch (IllegalArgumentException e) {
            state.setText(e.getMessage());
            return;
        }
        setBusy(true);
        move.setDisable(true);
        bars.values().forEach(b -> b.setProgress(0));
        texts.values().forEach(l -> l.setText(""));
        state.setText("Moving\u2026");
        services.background().execute(() -> {
            String src = services.host().info().name();
            Migration m = Migration.start(MigrationRequest.of(services.host(), src, t, where, graph, plan).withFolders(here, there),
                    this::event);
            running = m;
            m.result().whenComplete((o, e) -> services.ui().execute(() -> finished(o, e, where)));
        });
    }

    /** A typed folder: empty for the host's default, else an absolute path. */
    static java.nio.file.Path folder(String typed) {
        String t = typed == null ? "" : typed.strip();
        if (t.isEmpty()) return null;
        if (!t.startsWith("/") || t.indexOf('\0') >= 0) throw new IllegalArgumentException("A folder must be an absolute path: " + t);
        return java.nio.file.Path.of(t).normalize();
    }

    private void event(MigrationEvent e) {
        if (e instanceof MigrationEvent.Bytes b) {
            bytes.offer(b);
        } else if (e instanceof MigrationEvent.StageChange s) {
            services.ui().execute(() -> {
                ProgressBar bar = bars.get(s.stage());
                if (s.done()) bar.setProgress(1);
                else if (bar.getProgress() == 0) bar.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
                texts.get(s.stage()).setText(s.text());
            });
        } else if (e instanceof MigrationEvent.Checked c) {
            services.ui().execute(() -> showFindings(c.preflight()));
        } else if (e instanceof MigrationEvent.OnHost h && h.event() instanceof HostEvent.Criu c
                && c.event() instanceof org.criuatlas.bridge.criu.CriuEvent.Stage st) {
            services.ui().execute(() -> {
                if (bars.get(h.stage()).getProgress() < 1) texts.get(h.stage()).setText("criu: " + st.name());
            });
        }
    }

    private void showBytes(MigrationEvent.Bytes b) {
        ProgressBar bar = bars.get(MigrationEvent.Stage.TRANSFER);
        if (bar.getProgress() >= 1) return; // the stage's end says it all
        bar.setProgress(b.total() == 0 ? 1 : (double) b.done() / b.total());
        texts.get(MigrationEvent.Stage.TRANSFER).setText(String.format("%s of %s, %d of %d files", size(b.done()), size(b.total()),
                b.files(), b.filesTotal()));
    }

    static String size(long n) {
        if (n < 1024) return n + " B";
        if (n < 1 << 20) return String.format("%.1f KiB", n / 1024.0);
        return String.format("%.1f MiB", n / (1024.0 * 1024));
    }

    private void finished(MigrationOutcome o, Throwable t, String where) {
        running = null;
        setBusy(false);
        bars.values().forEach(b -> {
            if (b.getProgress() < 0) b.setProgress(0);
        });
        if (t != null) {
            Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            state.setText("The move broke: " + c.getMessage());
            return;
        }
        if (o instanceof MigrationOutcome.Moved m) {
            state.setText("Moved: the tree runs on " + where + " as pid " + m.rootPid() + " (" + m.pids().size() + " processes); "
                    + size(m.bytes()) + " in " + m.files() + " files. Its images stay here in " + m.sourceImages() + "."
                    + (m.wiring() != null && !m.wiring().ends().isEmpty() ? " The ends of its wiring live on " + where
                    + " while this dialog is open." : ""));
            state.getStyleClass().setAll("label", Styles.TARGET_RUNNING);
        } else if (o instanceof MigrationOutcome.Refused r) {
            showFindings(r.preflight());
            state.setText("Not moved: the preflight found what blocks it. Nothing was done.");
        } else if (o instanceof MigrationOutcome.Failed f) {
            state.setText("Not moved: the " + f.stage().label().toLowerCase(java.util.Locale.ROOT) + " failed: " + f.why() + ". "
                    + after(f.sourceImages(), f.sourceRunning()));
            state.getStyleClass().setAll("label", Styles.TARGET_NOT_RUNNING);
        } else if (o instanceof MigrationOutcome.Cancelled c) {
            state.setText("Cancelled during the " + c.stage().label().toLowerCase(java.util.Locale.ROOT) + ". "
                    + after(c.sourceImages(), c.sourceRunning()));
        }
    }

    private static String after(java.nio.file.Path images, boolean running) {
        if (running || images == null) return "The tree still runs here.";
        return "The tree was dumped: open its images (" + images + ") and Restore to run it here again.";
    }

    /** Cancel: the running stage stops on its host. */
    public void cancel() {
        Migration m = running;
        if (m != null) {
            state.setText("Cancelling the " + m.stage().label().toLowerCase(java.util.Locale.ROOT) + "\u2026");
            m.cancel();
        }
    }

    private void closeTarget() {
        Host t = target;
        target = null;
        targetName = null;
        if (t != null && t != services.host()) services.background().execute(t::close);
    }

    private void setBusy(boolean b) {
        busy = b;
        check.setDisable(b);
        local.setDisable(b);
        ssh.setDisable(b);
        cancel.setText(b ? "Cancel" : "Close");
    }
}
