package org.criuatlas.ui.vm;

import org.criuatlas.ui.graph.SelectedItem;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import org.criuatlas.host.CriuStatus;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.ui.graph.RenderGraph;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * State of the explorer window, toolkit-free: the current snapshot, the process table (with
 * search), the selection and what the inspector shows, the marks of the last refresh, the status
 * line and the plan. Views bind to the read-only properties and call the intent methods.
 * Must be used from one thread (the FX thread in the app, the test thread in tests).
 */
public final class ExplorerViewModel {
    private final ReadOnlyObjectWrapper<IpcGraph> graph = new ReadOnlyObjectWrapper<>(this, "graph");
    /** What a search matches in the current snapshot, made as the search needs it. */
    private SearchIndex searchIndex = SearchIndex.EMPTY;
    private final ReadOnlyObjectWrapper<RenderGraph> render = new ReadOnlyObjectWrapper<>(this, "render", RenderGraph.EMPTY);
    private final ObservableList<ProcessRow> rows = FXCollections.observableArrayList();
    // one wrapper: listeners on a fresh unmodifiable wrapper per call are weak and vanish with it at GC
    private final ObservableList<ProcessRow> rowsView = FXCollections.unmodifiableObservableList(rows);
    private final FilteredList<ProcessRow> visibleRows = new FilteredList<>(rows, r -> true);
    private final StringProperty search = new SimpleStringProperty(this, "search", "");
    private final ObjectProperty<SelectedItem> selection = new SimpleObjectProperty<>(this, "selection");
    private final ReadOnlyObjectWrapper<Inspection> inspection = new ReadOnlyObjectWrapper<>(this, "inspection", Inspection.EMPTY);
    private final ReadOnlyObjectWrapper<GraphDiff> diff = new ReadOnlyObjectWrapper<>(this, "diff", GraphDiff.NONE);
    private final BooleanProperty marksVisible = new SimpleBooleanProperty(this, "marksVisible", false);
    /** An image view's restore conflicts on this machine (the restore board's preview), drawn on the graph. */
    private final javafx.beans.property.ObjectProperty<org.criuatlas.ui.graph.RestoreMarks> restoreMarks =
            new javafx.beans.property.SimpleObjectProperty<>(this, "restoreMarks", org.criuatlas.ui.graph.RestoreMarks.NONE);
    private final Set<Integer> gone = new HashSet<>();
    private final BooleanProperty holdRows = new SimpleBooleanProperty(this, "holdRows", false);
    private final BooleanProperty showKernelThreads = new SimpleBooleanProperty(this, "showKernelThreads", false);
    private final ReadOnlyObjectWrapper<FocusRequest> focus = new ReadOnlyObjectWrapper<>(this, "focus");
    private final ObjectProperty<CriuStatus> criuStatus = new SimpleObjectProperty<>(this, "criuStatus", CriuStatus.UNKNOWN);
    private final javafx.beans.binding.StringBinding criuLine =
            javafx.beans.binding.Bindings.createStringBinding(() -> criuStatus.get().line(), criuStatus);
    private final javafx.beans.property.StringProperty criuBasis = new javafx.beans.property.SimpleStringProperty(this, "criuBasis", "");
    private final BooleanProperty onlyBlocking = new SimpleBooleanProperty(this, "onlyBlocking", false);
    private final ReadOnlyStringWrapper privilege = new ReadOnlyStringWrapper(this, "privilege", "");
    /** Which machine a window shows when it is another host than this one ("root@server, kernel 6.18.4"); empty for this machine. */
    private final javafx.beans.property.StringProperty hostLine = new javafx.beans.property.SimpleStringProperty(this, "hostLine", "");
    private final ReadOnlyStringWrapper counts = new ReadOnlyStringWrapper(this, "counts", "");
    private final ReadOnlyStringWrapper lastScan = new ReadOnlyStringWrapper(this, "lastScan", "not scanned yet");
    private final ReadOnlyStringWrapper scanError = new ReadOnlyStringWrapper(this, "scanError", "");
    private final javafx.beans.property.ReadOnlyBooleanWrapper live = new javafx.beans.property.ReadOnlyBooleanWrapper(this, "live", true);
    private ImageFacts images;
    private final PlanViewModel plan;
    private final ZoneId zone;

    /** Ask the view to show these processes (double-click "focus a subtree", a jump from a link). */
    public record FocusRequest(Set<Integer> pids, long serial) {}

    private long focusSerial;

    public ExplorerViewModel(PlanViewModel plan) {
        this(plan, ZoneId.systemDefault());
    }

    public ExplorerViewModel(PlanViewModel plan, ZoneId zone) {
        this.plan = plan;
        this.zone = zone;
        search.addListener((o, a, b) -> visibleRows.setPredicate(r -> ProcessRows.matches(r, searchIndex, b)));
        selection.addListener((o, a, b) -> inspection.set(Inspection.of(graph.get(), b)));
        // a plan on screen follows the basis (another CRIU, a calibration): planned again, not left on the old one
        criuBasis.addListener((o, a, b) -> {
            if (a != null && !a.equals(b)) plan.basisChanged();
        });
    }

    /**
     * "Only what blocks this dump": with a plan on screen the graph draws only its failing and
     * undecided crossings and objects, the processes they touch and those between them and the root.
     */
    public BooleanProperty onlyBlockingProperty() { return onlyBlocking; }

    public PlanViewModel plan() { return plan; }

    public ReadOnlyObjectProperty<IpcGraph> graphProperty() { return graph.getReadOnlyProperty(); }

    public IpcGraph getGraph() { return graph.get(); }

    public ReadOnlyObjectProperty<RenderGraph> renderProperty() { return render.getReadOnlyProperty(); }

    /** Every row, in tree order. */
    public ObservableList<ProcessRow> allRows() { return rowsView; }

    /** The rows that match the search. */
    public ObservableList<ProcessRow> visibleRows() { return visibleRows; }

    public StringProperty searchProperty() { return search; }

    public ObjectProperty<SelectedItem> selectionProperty() { return selection; }

    public SelectedItem getSelection() { return selection.get(); }

    public ReadOnlyObjectProperty<Inspection> inspectionProperty() { return inspection.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<GraphDiff> diffProperty() { return diff.getReadOnlyProperty(); }

    /** True while the appeared/vanished marks of the last refresh are shown. */
    public BooleanProperty marksVisibleProperty() { return marksVisible; }

    /** The restore preview's conflicts drawn on this (image) view; {@code RestoreMarks.NONE} when none. */
    public javafx.beans.property.ObjectProperty<org.criuatlas.ui.graph.RestoreMarks> restoreMarksProperty() { return restoreMarks; }

    public BooleanProperty showKernelThreadsProperty() { return showKernelThreads; }

    public ReadOnlyObjectProperty<FocusRequest> focusProperty() { return focus.getReadOnlyProperty(); }

    /** Which CRIU the host uses and what {@code criu check} said (set once the host answered). */
    public ObjectProperty<CriuStatus> criuStatusProperty() { return criuStatus; }

    /**
     * What the window's plans are based on: "calibrated against CRIU 4.2.1 on Linux 6.18.44", "rules only
     * (not calibrated)"; empty until known.
     */
    public javafx.beans.property.StringProperty criuBasisProperty() { return criuBasis; }

    /** The status bar's CRIU line. */
    public javafx.beans.binding.StringBinding criuLineProperty() { return criuLine; }

    public ReadOnlyStringProperty privilegeProperty() { return privilege.getReadOnlyProperty(); }

    public javafx.beans.property.StringProperty hostLineProperty() { return hostLine; }

    public ReadOnlyStringProperty countsProperty() { return counts.getReadOnlyProperty(); }

    public ReadOnlyStringProperty lastScanProperty() { return lastScan.getReadOnlyProperty(); }

    public ReadOnlyStringProperty scanErrorProperty() { return scanError.getReadOnlyProperty(); }

    /**
     * True for the live graph, false for an image view: no refresh, no plan (the dump is made),
     * and the status bar speaks of the images.
     */
    public javafx.beans.property.ReadOnlyBooleanProperty liveProperty() { return live.getReadOnlyProperty(); }

    public boolean isLive() { return live.get(); }

    /** The images this window shows, null for the live graph. */
    public ImageFacts imageFacts() { return images; }

    /** Makes this an image view of {@code facts} (once, before or after its graph arrives). */
    public void showImages(ImageFacts facts) {
        images = facts;
        live.set(false);
        IpcGraph g = graph.get();
        if (g != null) status(g, GraphDiff.NONE);
    }

    /** Intent: select something (from the table, the graph, or a link in the inspector). */
    public void select(SelectedItem s) { selection.set(s); }

    /** Intent: select and bring into view (links in the inspector and the plan panel). */
    public void jumpTo(SelectedItem s) {
        selection.set(s);
        IpcGraph g = graph.get();
        if (g == null || s == null) return;
        Set<Integer> pids = switch (s.kind()) {
            case PROCESS -> Set.of(s.pid());
            case SOCKET -> {
                var sk = g.socket(s.id());
                java.util.Set<Integer> ps = new java.util.HashSet<>();
                if (sk != null) {
                    sk.holders().forEach(h -> ps.add(h.pid()));
                    var peer = g.peerOf(sk);
                    if (peer != null) peer.holders().forEach(h -> ps.add(h.pid()));
                }
                var is = sk == null ? g.inetSocket(s.id()) : null;
                if (is != null) {
                    is.holders().forEach(h -> ps.add(h.pid()));
                    var peer = g.peerOf(is);
                    if (peer != null) peer.holders().forEach(h -> ps.add(h.pid()));
                }
                yield ps;
            }
            case PIPE -> {
                var p = g.pipe(s.id());
                java.util.Set<Integer> ps = new java.util.HashSet<>();
                if (p != null) {
                    p.readers().forEach(h -> ps.add(h.pid()));
                    p.writers().forEach(h -> ps.add(h.pid()));
                }
                yield ps;
            }
        };
        if (!pids.isEmpty()) focus.set(new FocusRequest(pids, ++focusSerial));
    }

    /** Intent: show {@code pid}'s whole subtree (double-click). */
    public void focusSubtree(int pid) {
        IpcGraph g = graph.get();
        if (g == null || g.process(pid) == null) return;
        selection.set(SelectedItem.process(pid));
        focus.set(new FocusRequest(g.subtree(pid), ++focusSerial));
    }

    /**
     * The table's rows after a refresh, steady under the hand: a row keeps its place (rows are
     * changed in place, never replaced wholesale, so the table keeps its selection, focus and
     * scroll position); a new process is inserted after its predecessor in tree order; a process
     * that ended stays in place, marked gone, until a refresh while nobody holds the rows
     * ({@link #holdRowsProperty}).
     */
    private void updateRows(List<ProcessRow> fresh) {
        if (rows.isEmpty()) {
            rows.setAll(fresh);
            gone.clear();
            return;
        }
        Map<Integer, ProcessRow> byPid = new HashMap<>(fresh.size() * 2);
        for (ProcessRow r : fresh) byPid.put(r.pid(), r);
        // rows marked gone at an earlier refresh go now, unless someone holds the rows
        if (!holdRows.get() && !gone.isEmpty()) {
            List<ProcessRow> drop = new ArrayList<>();
            for (ProcessRow r : rows) if (gone.contains(r.pid()) && !byPid.containsKey(r.pid())) drop.add(r);
            if (!drop.isEmpty()) rows.removeAll(drop);
            gone.removeIf(pid -> !byPid.containsKey(pid));
        }
        // in place: changed rows; ended processes are marked gone
        Set<Integer> present = new HashSet<>(rows.size() * 2);
        for (int i = 0; i < rows.size(); i++) {
            ProcessRow old = rows.get(i);
            present.add(old.pid());
            ProcessRow now = byPid.get(old.pid());
            if (now == null) {
                gone.add(old.pid());
            } else {
                gone.remove(old.pid());
                if (!now.equals(old)) rows.set(i, now);
            }
        }
        // new processes: after the row before them in tree order (or before everything)
        Map<Integer, List<ProcessRow>> after = new HashMap<>();
        int prev = Integer.MIN_VALUE;
        for (ProcessRow r : fresh) {
            if (!present.contains(r.pid())) after.computeIfAbsent(prev, k -> new ArrayList<>()).add(r);
            else prev = r.pid();
        }
        if (after.isEmpty()) return;
        List<ProcessRow> first = after.remove(Integer.MIN_VALUE);
        if (first != null) rows.addAll(0, first);
        for (int i = 0; i < rows.size() && !after.isEmpty(); i++) {
            List<ProcessRow> add = after.remove(rows.get(i).pid());
            if (add != null) rows.addAll(i + 1, add);
        }
    }

    /** Pids of rows kept for processes that ended (shown struck through). */
    public boolean isGone(int pid) { return gone.contains(pid); }

    /** While true (the pointer is over the table, a menu is open), rows of ended processes stay. */
    public BooleanProperty holdRowsProperty() { return holdRows; }

    /** Intent: the marks of the last refresh have been seen long enough. */
    public void hideMarks() { marksVisible.set(false); }

    /** A prepared snapshot arrives (on the FX thread in the app). */
    public void apply(Prepared p) {
        graph.set(p.graph());
        searchIndex = new SearchIndex(p.graph());
        updateRows(p.rows());
        diff.set(p.diff());
        marksVisible.set(!p.diff().isEmpty());
        render.set(p.render());
        IpcGraph g = p.graph();
        status(g, p.diff());
        scanError.set("");
        plan.graphChanged(g, p.planAsked(), p.plan());
        // the selection follows the new snapshot; a vanished process keeps its (now "gone") inspector
        inspection.set(Inspection.of(g, selection.get()));
    }

    private void status(IpcGraph g, GraphDiff d) {
        if (images != null) {
            privilege.set(images.origin(zone));
            counts.set(ImageFacts.contents(g));
            lastScan.set(images.reading(g));
            return;
        }
        counts.set(counts(g, rows.size() - gone.size()));
        privilege.set(g.meta().privileged() ? "root: every process visible"
                : "own processes only: " + g.problems().size() + " processes or objects unseen (run as root to see all)");
        Instant t = g.meta().takenAt();
        lastScan.set("scanned " + (t == null ? "?" : DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone).format(t))
                + " in " + (g.meta().scanNanos() / 1_000_000) + " ms"
                + (d.isEmpty() ? "" : " (" + d.summary() + ")"));
    }

    /**
     * The status bar's counts, in agreement with the table: the processes it lists (kernel threads
     * it hides are named as hidden, not counted among them), sockets and pipes.
     */
    static String counts(IpcGraph g, int rowsShown) {
        int hidden = g.processes().size() - rowsShown;
        return rowsShown + (rowsShown == 1 ? " process" : " processes")
                + (hidden > 0 ? " (+" + hidden + " kernel thread" + (hidden == 1 ? "" : "s") + " hidden)" : "")
                + ", " + g.sockets().size() + " unix sockets, " + g.pipes().size() + " pipes"
                + (g.problems().isEmpty() ? "" : ", " + g.problems().size() + " problems");
    }

    /** A scan failed: keep the last snapshot, say why. */
    public void scanFailed(String why) {
        scanError.set("Scan failed: " + why);
    }

    /**
     * One snapshot made ready off the FX thread.
     *
     * @param graph  the snapshot
     * @param rows   the process table in tree order
     * @param diff   what changed since the previous one
     * @param render what the graph view draws
     */
    public record Prepared(IpcGraph graph, List<ProcessRow> rows, GraphDiff diff, RenderGraph render,
                           PlanViewModel.Request planAsked, org.criuatlas.ui.plan.PlanOutcome plan) {
        public Prepared(IpcGraph graph, List<ProcessRow> rows, GraphDiff diff, RenderGraph render) {
            this(graph, rows, diff, render, null, null);
        }
    }
}
