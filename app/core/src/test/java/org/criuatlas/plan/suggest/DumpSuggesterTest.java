package org.criuatlas.plan.suggest;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.Crossing;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.sample.SyntheticGraphs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * "Make it dumpable" against brute force: on generated failing trees, every suggestion dumps (as
 * the planner says), and the smallest suggestion is never larger than the smallest set of changes
 * found by trying every set of the same kinds of change (any root on the way up, any ticks on any
 * crossing of that root's plan) up to the suggestion's size.
 */
class DumpSuggesterTest {
    /** A small random tree: a parent (the outside), a subtree to dump, and objects across its edge. */
    record Tree(IpcGraph graph, int root) {}

    static Tree generate(long seed) {
        Random r = new Random(seed);
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "systemd", "/sbin/init");
        b.process(100, 1, "supervisor", "supervisor");
        b.process(101, 100, "sibling", "sibling");
        b.process(200, 100, "app", "app");
        int kids = 1 + r.nextInt(3);
        List<Integer> inside = new ArrayList<>(List.of(200));
        for (int i = 0; i < kids; i++) {
            int pid = 201 + i;
            b.process(pid, inside.get(r.nextInt(inside.size())), "worker" + i, "worker" + i);
            inside.add(pid);
        }
        List<Integer> outside = List.of(100, 101);
        long server = b.bound(1, SocketType.DGRAM, "/run/systemd/journal/dev-log");
        long listener = b.bound(101, SocketType.STREAM, "/run/app.sock");
        int objects = 1 + r.nextInt(4);
        for (int i = 0; i < objects; i++) {
            int in = inside.get(r.nextInt(inside.size()));
            int out = outside.get(r.nextInt(outside.size()));
            switch (r.nextInt(6)) {
                case 0 -> b.pair(out, in, SocketType.STREAM, null);
                case 1 -> b.pair(out, in, SocketType.SEQPACKET, null);
                case 2 -> b.dgramTo(in, server);
                case 3 -> b.pair(in, 101, SocketType.STREAM, "/run/app.sock");
                case 4 -> b.pipe(out, in);
                default -> b.pair(in, inside.get(r.nextInt(inside.size())), SocketType.STREAM, null); // inside only
            }
        }
        if (listener == 0) throw new AssertionError();
        return new Tree(b.build(), 200);
    }

    /** Every change of the window's kinds for a plan: each crossing's ticks, shell job, inherit at restore. */
    static List<Change> allChanges(DumpPlan p) {
        Set<Change> out = new LinkedHashSet<>();
        for (Crossing c : p.crossings()) {
            if (c.ourIno() != 0) {
                out.add(new Change(Change.Kind.MARK_EXTERNAL, 0, c.ourIno(), null, ""));
                out.add(new Change(Change.Kind.RECONNECT_BY_NAME, 0, c.ourIno(), null, ""));
            }
            out.add(new Change(Change.Kind.INHERIT_AT_RESTORE, 0, 0, c.key(), ""));
        }
        out.add(new Change(Change.Kind.SHELL_JOB, 0, 0, null, ""));
        return new ArrayList<>(out);
    }

    /** The set brute force found last (for the failure message). */
    static String lastWinner = "";

    /** The fewest changes (a new root counts one) that make the plan dump, trying every set up to {@code limit}; -1 if none. */
    static int bruteForce(IpcGraph g, int root, int limit) {
        int best = -1;
        lastWinner = "";
        for (int r : DumpSuggester.roots(g, root)) {
            int rootCost = r == root ? 0 : 1;
            DumpPlan base = DumpPlanner.plan(g, r, Decisions.NONE);
            List<Change> all = allChanges(base);
            for (int k = 0; k + rootCost <= limit && (best < 0 || k + rootCost < best); k++) {
                boolean hit = false;
                for (List<Change> set : k == 0 ? List.of(List.<Change>of()) : DumpSuggester.combinations(all, k)) {
                    if (DumpPlanner.plan(g, r, DumpSuggester.apply(Decisions.NONE, set)).willSucceed()) {
                        hit = true;
                        lastWinner = "root " + r + " " + set.stream().map(c -> c.kind() + " " + c.inode() + " " + c.key()).toList();
                        break;
                    }
                }
                if (hit) {
                    best = k + rootCost;
                    break;
                }
            }
        }
        return best;
    }

    @Test
    void neverLargerThanTheSmallestFixFoundByBruteForce() {
        int failing = 0;
        List<String> table = new ArrayList<>();
        for (long seed = 1; failing < 30 && seed < 400; seed++) {
            Tree t = generate(seed);
            DumpPlan asked = DumpPlanner.plan(t.graph(), t.root(), Decisions.NONE);
            if (asked.willSucceed()) continue;
            failing++;
            Suggestions s = DumpSuggester.suggest(t.graph(), t.root(), Decisions.NONE);
            assertFalse(s.alreadyDumps());
            assertFalse(s.suggestions().isEmpty(), "seed " + seed + ": nothing suggested; " + s.unfixable());
            for (Suggestion x : s.suggestions()) {
                DumpPlan again = DumpPlanner.plan(t.graph(), x.root(), x.decisions());
                assertTrue(again.willSucceed(), "seed " + seed + ": " + x.changes() + " does not dump: " + again.reasons());
                assertEquals(again.options(), x.plan().options());
            }
            int smallest = s.smallestSize();
            int brute = bruteForce(t.graph(), t.root(), smallest);
            assertTrue(brute > 0, "seed " + seed + ": brute force finds nothing up to " + smallest);
            assertTrue(smallest <= brute, "seed " + seed + ": suggested " + smallest + " changes, brute force needs " + brute
                    + " (" + lastWinner + "); suggested: " + s.suggestions().stream().map(x -> x.root() + " "
                    + x.changes().stream().map(Change::text).toList()).toList() + "; crossings under the root: "
                    + asked.crossings().stream().map(c -> c.kind() + " " + c.key() + " " + c.withDecisions().outcome() + " fixes "
                    + c.fixes().stream().filter(f -> f.works()).map(f -> f.kind().name()).toList()).toList());
            table.add("seed " + seed + ": " + asked.crossings().size() + " crossings, smallest suggestion " + smallest
                    + ", brute force " + brute + ", " + s.suggestions().size() + " suggestion(s)");
        }
        table.forEach(System.out::println);
        assertTrue(failing >= 20, "at least 20 generated failing trees: " + failing);
    }

    @Test
    void rankedByWhatTheyCostAtRestore() {
        // a socketpair to the parent: pulling the parent in costs no restore obligation; marking external does
        SyntheticGraphs.Builder b = new SyntheticGraphs.Builder(true);
        b.process(1, 0, "systemd", "/sbin/init");
        b.process(100, 1, "supervisor", "supervisor");
        b.process(200, 100, "worker", "worker");
        long[] pair = b.pair(100, 200, SocketType.STREAM, null);
        IpcGraph g = b.build();
        Suggestions s = DumpSuggester.suggest(g, 200, Decisions.NONE);
        assertEquals(2, s.suggestions().size(), s.suggestions().toString());
        Suggestion first = s.suggestions().get(0);
        assertEquals(100, first.root());
        assertEquals(List.of(Change.Kind.DUMP_FROM), first.changes().stream().map(Change::kind).toList());
        assertEquals(0, first.cost().atRestore());
        assertEquals(1, first.cost().processesAdded());
        Suggestion second = s.suggestions().get(1);
        assertEquals(200, second.root());
        assertEquals(Set.of(pair[1]), second.decisions().external());
        assertTrue(second.cost().atRestore() > 0);
        assertTrue(second.plan().options().external().contains("unix[" + pair[1] + "]"));
    }

    @Test
    void aPlanThatDumpsNeedsNothing() {
        IpcGraph g = SyntheticGraphs.workstation(60, 3);
        int journal = 300;
        Suggestions s = DumpSuggester.suggest(g, journal, Decisions.NONE);
        DumpPlan p = DumpPlanner.plan(g, journal, Decisions.NONE);
        assertEquals(p.willSucceed(), s.alreadyDumps());
    }
}
