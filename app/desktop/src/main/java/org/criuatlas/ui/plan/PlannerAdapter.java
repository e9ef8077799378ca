package org.criuatlas.ui.plan;

import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpCommand;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.plan.Fix;
import org.criuatlas.plan.Outcome;
import org.criuatlas.plan.suggest.Change;
import org.criuatlas.plan.suggest.DumpSuggester;
import org.criuatlas.plan.suggest.Suggestion;
import org.criuatlas.plan.suggest.Suggestions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link DumpPlanning} over the real dump planner: ticks become {@link Decisions}, the plan's
 * crossings become what the window draws. Every rule lives in {@link DumpPlanner}; this class only
 * translates. Pure.
 */
public final class PlannerAdapter implements DumpPlanning {
    private static final Pattern INODE = Pattern.compile("\\[(\\d+)]$");
    private final Path dumpsDir;

    /** @param dumpsDir where dump directories go; the command says {@code -D <dumpsDir>/<pid>} */
    public PlannerAdapter(Path dumpsDir) {
        this.dumpsDir = dumpsDir;
    }

    @Override
    public PlanOutcome plan(IpcGraph g, int rootPid, Map<String, List<Choice>> choices) {
        return plan(g, rootPid, choices, Decisions.ObjectOptions.NONE);
    }

    @Override
    public PlanOutcome plan(IpcGraph g, int rootPid, Map<String, List<Choice>> choices, Decisions.ObjectOptions objects) {
        Decisions d = decisions(choices).withObjects(objects == null ? Decisions.ObjectOptions.NONE : objects);
        DumpPlan p = DumpPlanner.plan(g, rootPid, d);
        List<CrossingRow> out = new ArrayList<>(p.crossings().size());
        for (org.criuatlas.plan.Crossing c : p.crossings()) out.add(crossing(g, c, d));
        String command = p.dumped().isEmpty() ? ""
                : DumpCommand.text(p.options(), dumpsDir.resolve(Integer.toString(rootPid)).toString());
        return new PlanOutcome(p, new LinkedHashSet<>(p.dumped()), out, Verdict.of(p.outcome()), command, objects(g, p));
    }

    /** The plan's objects, with the socket each socket fd is (so the graph can mark its edge). */
    static List<ObjectRow> objects(IpcGraph g, DumpPlan p) {
        List<ObjectRow> out = new ArrayList<>(p.objects().size());
        for (org.criuatlas.plan.ObjectVerdict v : p.objects()) {
            String key = null;
            ProcessInfo holder = v.fd() >= 0 ? g.process(v.pid()) : null;
            org.criuatlas.model.FdInfo fd = holder == null ? null : holder.fd(v.fd());
            if (fd != null && fd.kind() == org.criuatlas.model.FdKind.SOCKET && fd.inode() != 0) key = "socket:[" + fd.inode() + "]";
            out.add(new ObjectRow(v, Verdict.of(v.withDecisions().outcome()), key));
        }
        return out;
    }

    @Override
    public List<SuggestionRow> suggest(IpcGraph g, int rootPid, Map<String, List<Choice>> choices, int keepOut) {
        Suggestions found = DumpSuggester.suggest(g, rootPid, decisions(choices), keepOut);
        List<SuggestionRow> rows = new ArrayList<>();
        for (Suggestion s : found.suggestions()) {
            Map<String, List<Choice>> ticks = ticksFor(g, s);
            if (ticks == null) continue;
            // the window offers only what its own ticks reproduce: planned again from them, it must dump
            PlanOutcome after = plan(g, s.root(), ticks);
            if (after.verdict() == Verdict.FAIL || after.verdict() == Verdict.UNKNOWN) continue;
            rows.add(new SuggestionRow(s.root(), s.changes().stream().map(Change::text).toList(), s.cost().text(),
                    after.verdictText(), after.commandText(), ticks));
        }
        return rows;
    }

    /**
     * The ticks under the suggestion's root that say what its decisions say, keyed by the crossing
     * the window shows; null when a decision has no crossing row to carry it.
     */
    private Map<String, List<Choice>> ticksFor(IpcGraph g, Suggestion s) {
        DumpPlan bare = DumpPlanner.plan(g, s.root(), Decisions.NONE);
        Decisions d = s.decisions();
        Map<String, List<Choice>> ticks = new LinkedHashMap<>();
        boolean shellJobPlaced = !d.shellJob();
        for (org.criuatlas.plan.Crossing c : bare.crossings()) {
            List<Choice> on = new ArrayList<>();
            if (d.external().contains(c.ourIno())) on.add(Choice.EXTERNAL);
            if (d.reconnectByName().contains(c.ourIno())) on.add(Choice.RECONNECT_BY_NAME);
            if (d.inheritAtRestore().contains(c.key())) on.add(Choice.INHERIT_PIPE);
            if (!shellJobPlaced && c.fixes().stream().anyMatch(f -> f.works() && Choice.of(f.kind()) == Choice.SHELL_JOB)) {
                on.add(Choice.SHELL_JOB);
                shellJobPlaced = true;
            }
            if (!on.isEmpty()) ticks.put(c.key(), List.copyOf(on));
        }
        return shellJobPlaced ? ticks : null;
    }

    /** The planner's decisions for the ticks. */
    static Decisions decisions(Map<String, List<Choice>> choices) {
        Decisions d = Decisions.NONE;
        for (Map.Entry<String, List<Choice>> e : choices.entrySet()) {
            for (Choice c : e.getValue()) {
                switch (c) {
                    case EXTERNAL -> { long i = inode(e.getKey()); if (i > 0) d = d.withExternal(i); }
                    case RECONNECT_BY_NAME -> { long i = inode(e.getKey()); if (i > 0) d = d.withReconnectByName(i); }
                    case SHELL_JOB -> d = d.withShellJob(true);
                    case INHERIT_PIPE -> d = d.withInheritAtRestore(e.getKey());
                    case PULL_PEER -> { } // not a decision: the view-model moves the root
                }
            }
        }
        return d;
    }

    private static long inode(String key) {
        Matcher m = INODE.matcher(key);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static CrossingRow crossing(IpcGraph g, org.criuatlas.plan.Crossing c, Decisions d) {
        List<Choice> choices = new ArrayList<>();
        int pullRoot = 0;
        for (Fix f : c.fixes()) {
            Choice ch = Choice.of(f.kind());
            if (!f.works() || ch == null || choices.contains(ch)) continue;
            choices.add(ch);
            if (ch == Choice.PULL_PEER) pullRoot = f.newRoot();
        }
        List<Choice> chosen = new ArrayList<>();
        for (Choice ch : choices) {
            boolean on = switch (ch) {
                case EXTERNAL -> d.external().contains(c.ourIno());
                case RECONNECT_BY_NAME -> d.reconnectByName().contains(c.ourIno());
                case SHELL_JOB -> d.shellJob();
                case INHERIT_PIPE -> d.inheritAtRestore().contains(c.key());
                case PULL_PEER -> false;
            };
            if (on) chosen.add(ch);
        }
        Holder in = c.insideHolders().isEmpty() ? null : c.insideHolders().get(0);
        Holder out = c.outsideHolders().isEmpty() ? null : c.outsideHolders().get(0);
        return new CrossingRow(c, verdict(c), choices, chosen, in == null ? -1 : in.pid(), in == null ? -1 : in.fd(),
                out == null ? -1 : out.pid(), owners(g, c.outsideHolders()), pullRoot);
    }

    /**
     * Red when the dump fails on it, amber when it dumps but something is lost at restore without a
     * tick, green when a tick made it dump cleanly, grey when the snapshot cannot tell.
     */
    private static Verdict verdict(org.criuatlas.plan.Crossing c) {
        Outcome with = c.withDecisions().outcome();
        return switch (with) {
            case DUMP_FAILS -> Verdict.FAIL;
            case UNKNOWN -> Verdict.UNKNOWN;
            case DUMPS_BREAKS_AT_RESTORE -> Verdict.OBLIGATION;
            // it dumped without help too: the planner's notes say what changes at restore
            case DUMPS -> c.withoutHelp().outcome() == Outcome.DUMPS && !c.notes().isEmpty() ? Verdict.OBLIGATION : Verdict.RESOLVED;
        };
    }

    private static String owners(IpcGraph g, List<Holder> hs) {
        if (hs.isEmpty()) return "not visible";
        Set<String> parts = new LinkedHashSet<>();
        for (Holder h : hs) {
            ProcessInfo p = g.process(h.pid());
            parts.add((p == null ? "pid " + h.pid() : p.comm() + " (pid " + h.pid() + ")") + (h.fd() >= 0 ? " fd " + h.fd() : ""));
            if (parts.size() == 3 && hs.size() > 3) {
                parts.add("and " + (hs.size() - 3) + " more");
                break;
            }
        }
        return String.join(", ", parts);
    }
}
