package org.criuatlas.ui.vm;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.ui.plan.Choice;
import org.criuatlas.ui.plan.Crossing;
import org.criuatlas.ui.plan.DumpPlanning;
import org.criuatlas.ui.plan.PlanOutcome;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
     * moves up to the nearest common ancestor.
     */
    public void addProcess(int pid) {
        if (graph == null || graph.process(pid) == null) return;
        if (rootPid.get() < 0) {
            planSubtree(pid);
            return;
        }
        int lca = commonAncestor(graph, rootPid.get(), pid);
        if (lca < 0) {
            notice.set("pid " + pid + " is in another process tree: CRIU dumps one tree at a time");
            return;
        }
        if (lca != rootPid.get()) notice.set("The dump now starts at pid " + lca + ", the nearest common ancestor");
        rootPid.set(lca);
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

    /** Intent: tick or untick one choice for one crossing edge. */
    public void setChoice(String crossingKey, Choice choice, boolean on) {
        PlanOutcome o = outcome.get();
        if (o == null) return;
        Crossing c = o.crossings().stream().filter(x -> x.key().equals(crossingKey)).findFirst().orElse(null);
        if (c == null || !c.choices().contains(choice)) return;
        if (choice == Choice.PULL_PEER) {
            if (on && c.outsidePid() > 0) addProcess(c.outsidePid());
            return;
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

    /** The nearest process that has both {@code a} and {@code b} in its subtree, -1 when none. */
    static int commonAncestor(IpcGraph g, int a, int b) {
        Set<Integer> up = new LinkedHashSet<>();
        for (int p = a; p > 0 && g.process(p) != null && up.add(p); ) p = parentOf(g, p);
        for (int p = b; p > 0 && g.process(p) != null; ) {
            if (up.contains(p)) return p;
            int next = parentOf(g, p);
            if (next == p) break;
            p = next;
        }
        return -1;
    }

    private static int parentOf(IpcGraph g, int pid) {
        ProcessInfo p = g.process(pid);
        return p == null ? 0 : p.ppid();
    }
}
