package org.criuatlas.ui.vm;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.Crossing;
import org.criuatlas.ui.plan.DumpPlanning;
import org.criuatlas.ui.plan.PlanOutcome;

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
    private final ReadOnlyIntegerWrapper rootPid = new ReadOnlyIntegerWrapper(this, "rootPid", -1);
    private final ReadOnlyObjectWrapper<PlanOutcome> outcome = new ReadOnlyObjectWrapper<>(this, "outcome");
    private final ReadOnlyStringWrapper commandText = new ReadOnlyStringWrapper(this, "commandText", "");
    private final ReadOnlyStringWrapper verdictText = new ReadOnlyStringWrapper(this, "verdictText", "No plan: right-click a process and choose \"Plan dump of this subtree\"");
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");

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

    /** Intent: dump {@code pid} and everything below it. */
    public void planSubtree(int pid) {
        if (graph == null || graph.process(pid) == null) return;
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
        rootPid.set(-1);
        choices.clear();
        notice.set("");
        recompute();
    }

    /** Intent: tick or untick one choice for one crossing edge (pull-peer moves the root instead). */
    public void setChoice(String crossingKey, Choice choice, boolean on) {
        PlanOutcome o = outcome.get();
        if (o == null) return;
        Crossing c = o.crossings().stream().filter(x -> x.key().equals(crossingKey) && x.choices().contains(choice))
                .findFirst().orElse(null);
        if (c == null) return;
        if (choice == Choice.PULL_PEER) {
            if (on && c.pullRoot() > 1) moveRoot(c.pullRoot());
            return;
        }
        if (choice == Choice.SHELL_JOB && !on) {
            // one option for the whole dump: unticking it anywhere unticks it everywhere
            choices.replaceAll((k, l) -> l.stream().filter(x -> x != Choice.SHELL_JOB).toList());
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
        recompute();
    }

    /** A new snapshot: the plan follows it (and ends when its root has gone). */
    public void graphChanged(IpcGraph g) {
        this.graph = g;
        if (rootPid.get() >= 0 && (g == null || g.process(rootPid.get()) == null)) {
            notice.set("pid " + rootPid.get() + " has exited: the plan was cleared");
            rootPid.set(-1);
            choices.clear();
        }
        recompute();
    }

    private void recompute() {
        if (graph == null || rootPid.get() < 0) {
            outcome.set(null);
            commandText.set("");
            verdictText.set("No plan: right-click a process and choose \"Plan dump of this subtree\"");
            return;
        }
        PlanOutcome o = planner.plan(graph, rootPid.get(), Map.copyOf(choices));
        outcome.set(o);
        commandText.set(o.commandText());
        verdictText.set(o.verdictText());
    }
}
