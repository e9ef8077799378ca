package org.criuatlas.ui.vm;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.container.ContainerCheckpoint;
import org.criuatlas.plan.container.ContainerMonitor;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.CrossingRow;
import org.criuatlas.ui.plan.DumpPlanning;
import org.criuatlas.ui.plan.PlanOutcome;
import org.criuatlas.ui.plan.SuggestionRow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dump being planned: which subtree, the person's choices per crossing edge, and what the
 * planner makes of them (verdicts, the command). Intents in, read-only properties out; no toolkit.
 */
public final class PlanViewModel {
    private final DumpPlanning planner;
    private IpcGraph graph;
    private final Map<String, List<Choice>> choices = new HashMap<>();
    /** Bumped by every intent, so a plan made off the FX thread for an older state is not used. */
    private long version;
    private final ReadOnlyIntegerWrapper rootPid = new ReadOnlyIntegerWrapper(this, "rootPid", -1);
    private final ReadOnlyObjectWrapper<PlanOutcome> outcome = new ReadOnlyObjectWrapper<>(this, "outcome");
    private final ReadOnlyStringWrapper commandText = new ReadOnlyStringWrapper(this, "commandText", "");
    private final ReadOnlyStringWrapper verdictText = new ReadOnlyStringWrapper(this, "verdictText", "No plan: right-click a process and choose \"Plan dump of this subtree\"");
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");
    /** The container whose checkpoint is planned (podman's options), null for a plain subtree. */
    private final ReadOnlyObjectWrapper<ContainerCheckpoint> container = new ReadOnlyObjectWrapper<>(this, "container");
    private final ReadOnlyStringWrapper containerAssumed = new ReadOnlyStringWrapper(this, "containerAssumed", "");

    public PlanViewModel(DumpPlanning planner) {
        this.planner = planner;
    }

    public ReadOnlyIntegerProperty rootPidProperty() { return rootPid.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<PlanOutcome> outcomeProperty() { return outcome.getReadOnlyProperty(); }

    public PlanOutcome getOutcome() { return outcome.get(); }

    public ReadOnlyStringProperty commandTextProperty() { return commandText.getReadOnlyProperty(); }

    public ReadOnlyStringProperty verdictTextProperty() { return verdictText.getReadOnlyProperty(); }

    /** A one-line message about the last intent that could not be done as asked. */
    public ReadOnlyStringProperty noticeProperty() { return notice.getReadOnlyProperty(); }

    /** The container whose checkpoint is planned, null when the plan is a plain subtree's. */
    public ReadOnlyObjectProperty<ContainerCheckpoint> containerProperty() { return container.getReadOnlyProperty(); }

    /** The options podman and runc pass to CRIU that nobody ticked, one per line ("" without a container plan). */
    public ReadOnlyStringProperty containerAssumedProperty() { return containerAssumed.getReadOnlyProperty(); }

    /**
     * Intent: plan the checkpoint of the container {@code pid} belongs to (its monitor or a process in it):
     * the planner on the container's init with the options podman and runc pass to CRIU, the standard
     * streams to the monitor ticked as handed in at restore (runc does that).
     */
    public void planContainer(int pid) {
        ContainerMonitor c = graph == null ? null : ContainerMonitor.of(graph, pid).orElse(null);
        if (c == null) {
            notice.set("pid " + pid + " is not in a container this snapshot shows");
            return;
        }
        if (c.initPid() < 0) {
            notice.set("container " + c.name() + " has no running process to checkpoint");
            return;
        }
        ContainerCheckpoint was = container.get();
        boolean same = was != null && was.container().monitorPid() == c.monitorPid();
        setContainer(new ContainerCheckpoint(c, same && was.leaveRunning(), same && was.tcpEstablished(), same && was.fileLocks()));
    }

    /** Intent: podman's options for the planned container checkpoint. */
    public void setContainerOptions(boolean leaveRunning, boolean tcpEstablished, boolean fileLocks) {
        ContainerCheckpoint c = container.get();
        if (c == null) return;
        setContainer(new ContainerCheckpoint(c.container(), leaveRunning, tcpEstablished, fileLocks));
    }

    private void setContainer(ContainerCheckpoint c) {
        version++;
        choices.clear();
        for (String key : c.decisions(graph).inheritAtRestore()) choices.put(key, List.of(Choice.INHERIT_PIPE));
        container.set(c);
        rootPid.set(c.container().initPid());
        notice.set("");
        recompute();
    }

    /** Intent: dump {@code pid} and everything below it. */
    public void planSubtree(int pid) {
        if (graph == null || graph.process(pid) == null) return;
        version++;
        container.set(null);
        choices.clear();
        rootPid.set(pid);
        notice.set("");
        recompute();
    }

    /**
     * Intent: include {@code pid} too. CRIU dumps whole subtrees from one root, so the root
     * moves up to the nearest common ancestor (the planner's), which takes its other descendants along.
     */
    public void addProcess(int pid) {
        if (graph == null || graph.process(pid) == null) return;
        if (rootPid.get() < 0) {
            planSubtree(pid);
            return;
        }
        int lca = DumpPlanner.commonAncestor(graph, List.of(rootPid.get(), pid));
        if (lca <= 1) {
            notice.set("pid " + pid + " shares no ancestor with the root but init, which CRIU cannot dump: it needs a separate dump");
            return;
        }
        moveRoot(lca);
    }

    private void moveRoot(int newRoot) {
        version++;
        container.set(null);
        if (newRoot != rootPid.get()) notice.set("The dump now starts at pid " + newRoot + ", the nearest common ancestor");
        rootPid.set(newRoot);
        recompute();
    }

    /** Intent: leave {@code pid} out. Only a root can go (CRIU dumps everything below its root). */
    public void removeProcess(int pid) {
        if (pid == rootPid.get()) {
            clear();
        } else if (outcome.get() != null && outcome.get().pids().contains(pid)) {
            notice.set("CRIU dumps every process below the root: to leave pid " + pid
                    + " out, plan a lower subtree instead");
        }
    }

    /** Intent: forget the plan. */
    public void clear() {
        version++;
        container.set(null);
        rootPid.set(-1);
        choices.clear();
        notice.set("");
        recompute();
    }

    /** Intent: tick or untick one choice for one crossing edge (pull-peer moves the root instead). */
    public void setChoice(String crossingKey, Choice choice, boolean on) {
        PlanOutcome o = outcome.get();
        if (o == null) return;
        CrossingRow c = o.crossings().stream().filter(x -> x.key().equals(crossingKey) && x.choices().contains(choice))
                .findFirst().orElse(null);
        if (c == null) return;
        if (choice == Choice.PULL_PEER) {
            if (on && c.pullRoot() > 1) moveRoot(c.pullRoot());
            return;
        }
        if (choice == Choice.SHELL_JOB && !on) {
            // one option for the whole dump: unticking it anywhere unticks it everywhere
            choices.replaceAll((k, x) -> x.stream().filter(y -> y != Choice.SHELL_JOB).toList());
        }
        List<Choice> l = new ArrayList<>(choices.getOrDefault(crossingKey, List.of()));
        l.remove(choice);
        if (on) {
            // external and reconnect-by-name are two answers to one question
            if (choice == Choice.EXTERNAL) l.remove(Choice.RECONNECT_BY_NAME);
            if (choice == Choice.RECONNECT_BY_NAME) l.remove(Choice.EXTERNAL);
            l.add(choice);
        }
        choices.put(crossingKey, List.copyOf(l));
        version++;
        recompute();
    }

    /**
     * What to plan, captured on the FX thread so the refresh can plan the next snapshot in the
     * background ({@link #planFor}); null when no plan is shown.
     */
    public record Request(int rootPid, Map<String, List<Choice>> choices, long version) {}

    public Request request() {
        return rootPid.get() < 0 ? null : new Request(rootPid.get(), Map.copyOf(choices), version);
    }

    /** Any thread: the plan of {@code r} on {@code g} (the planner is pure), null when the root is gone. */
    public PlanOutcome planFor(IpcGraph g, Request r) {
        if (r == null || g == null || g.process(r.rootPid()) == null) return null;
        return planner.plan(g, r.rootPid(), r.choices());
    }

    /**
     * Any thread: "make it dumpable" for {@code r} on {@code g}, cheapest first; empty when the root
     * is gone or nothing is found. {@code keepOut}: a process no suggested subtree may hold.
     */
    public List<SuggestionRow> suggestFor(IpcGraph g, Request r, int keepOut) {
        if (r == null || g == null || g.process(r.rootPid()) == null) return List.of();
        return planner.suggest(g, r.rootPid(), r.choices(), keepOut);
    }

    /** Intent: take a suggestion: its root and its ticks replace the plan's (the person's own ticks are in it). */
    public void apply(SuggestionRow s) {
        if (graph == null || graph.process(s.root()) == null) {
            notice.set("pid " + s.root() + " has exited: the suggestion no longer applies");
            return;
        }
        version++;
        container.set(null);
        choices.clear();
        choices.putAll(s.choices());
        notice.set(s.root() != rootPid.get() ? "The dump now starts at pid " + s.root() + " (suggested)" : "Suggestion applied");
        rootPid.set(s.root());
        recompute();
    }

    /**
     * What plans are based on changed (another CRIU, a calibration done): the plan on screen is made
     * again, so its verdicts and its basis are the new ones, not those of when it was first made.
     */
    public void basisChanged() {
        if (graph == null || rootPid.get() < 0) return;
        version++;
        recompute();
    }

    /** A new snapshot: the plan follows it (and ends when its root has gone). */
    public void graphChanged(IpcGraph g) {
        graphChanged(g, null, null);
    }

    /**
     * A new snapshot with the plan already made for it in the background from {@code asked}; it is
     * used when nothing was ticked since, otherwise the plan is made again here.
     */
    public void graphChanged(IpcGraph g, Request asked, PlanOutcome prepared) {
        this.graph = g;
        if (rootPid.get() >= 0 && (g == null || g.process(rootPid.get()) == null)) {
            notice.set("pid " + rootPid.get() + " has exited: the plan was cleared");
            container.set(null);
            rootPid.set(-1);
            choices.clear();
            version++;
        } else if (prepared != null && asked != null && asked.version() == version && asked.rootPid() == rootPid.get()
                && container.get() == null) {
            show(prepared);
            return;
        }
        recompute();
    }

    private void recompute() {
        if (graph == null || rootPid.get() < 0) {
            outcome.set(null);
            containerAssumed.set("");
            commandText.set("");
            verdictText.set("No plan: right-click a process and choose \"Plan dump of this subtree\"");
            return;
        }
        ContainerCheckpoint c = container.get();
        if (c != null) {
            PlanOutcome o = planner.plan(graph, rootPid.get(), Map.copyOf(choices), c.objects(graph));
            // before the outcome: the panel lists the assumed options when the outcome arrives
            containerAssumed.set(String.join("\n", c.assumed(graph).stream().map(ContainerCheckpoint.Assumed::text).toList()));
            outcome.set(o);
            commandText.set(ContainerCheckpoint.shellLine(c.podmanCommand(java.nio.file.Path.of(c.container().name() + ".tar.zst")))
                    + "\n# podman runs runc, which runs CRIU as: " + o.commandText());
            verdictText.set("Container " + c.container().name() + ": " + o.verdictText());
            return;
        }
        containerAssumed.set("");
        show(planner.plan(graph, rootPid.get(), Map.copyOf(choices)));
    }

    private void show(PlanOutcome o) {
        outcome.set(o);
        commandText.set(o.commandText());
        verdictText.set(o.verdictText());
    }
}
