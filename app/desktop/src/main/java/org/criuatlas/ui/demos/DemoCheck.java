package org.criuatlas.ui.demos;

import org.criuatlas.model.ObjectKeys;
import org.criuatlas.plan.Crossing;
import org.criuatlas.plan.CrossingKind;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.Fix;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToLongBiFunction;

/**
 * Does a real plan say what a demo's lesson claims? Pure: the inodes of the demo's ends come in as
 * a lookup (object, process) → inode, so it works on a live run and on fixtures alike. Used by the
 * demo tests and by the lesson pane ("the plan agrees with the lesson").
 */
public final class DemoCheck {
    private DemoCheck() {}

    /** The decisions that apply every fix the lesson teaches. */
    public static Decisions lessonFixes(ExpectedPlan expected, ToLongBiFunction<String, String> inode) {
        Decisions d = Decisions.NONE;
        for (ExpectedCrossing c : expected.crossings()) {
            long ino = inode.applyAsLong(c.object(), c.insideProcess());
            d = switch (c.fix()) {
                case MARK_EXTERNAL -> d.withExternal(ino);
                case RECONNECT_BY_NAME -> d.withReconnectByName(ino);
                case INHERIT_PIPE -> d.withInheritPipe(ino);
                case SHELL_JOB -> d.withShellJob(true);
                default -> d;
            };
        }
        return d;
    }

    public static Decisions lessonFixes(StartedDemo s) {
        return lessonFixes(s.demo().expected(), s::inode);
    }

    /**
     * Every way {@code plain} (nothing ticked) and {@code fixed} (the lesson's fixes ticked) differ
     * from the lesson; empty when they agree.
     */
    public static List<String> disagreements(ExpectedPlan expected, ToLongBiFunction<String, String> inode,
                                             DumpPlan plain, DumpPlan fixed) {
        List<String> out = new ArrayList<>();
        if (plain.outcome() != expected.outcome())
            out.add("verdict: lesson says " + expected.outcome().label + ", plan says " + plain.outcome().label);
        var firstKind = plain.firstError() == null ? null : plain.firstError().kind();
        if (!Objects.equals(firstKind, expected.firstError()))
            out.add("first error: lesson says " + expected.firstError() + ", plan says " + firstKind);
        if (fixed != null && fixed.outcome() != expected.afterFixes())
            out.add("verdict with the lesson's fixes: lesson says " + expected.afterFixes().label + ", plan says "
                    + fixed.outcome().label + " " + fixed.reasons());
        List<Crossing> unmatched = new ArrayList<>(plain.crossings());
        for (ExpectedCrossing e : expected.crossings()) {
            long ino = inode.applyAsLong(e.object(), e.insideProcess());
            Crossing c = unmatched.stream().filter(x -> x.ourIno() == ino).findFirst().orElse(null);
            String what = e.kind().label + " " + e.object() + " (" + e.insideProcess() + "'s end, inode " + ino + ")";
            if (c == null) {
                out.add("missing crossing: " + what);
                continue;
            }
            unmatched.remove(c);
            if (c.kind() != e.kind()) out.add(what + ": plan calls it " + c.kind().label);
            String key = e.kind() == CrossingKind.PIPE_READER_OUTSIDE || e.kind() == CrossingKind.PIPE_WRITER_OUTSIDE
                    ? ObjectKeys.pipe(ino) : ObjectKeys.socket(ino);
            if (!key.equals(c.key())) out.add(what + ": key " + c.key() + ", expected " + key);
            if (c.withoutHelp().outcome() != e.withoutHelp())
                out.add(what + ": without help the plan says " + c.withoutHelp().outcome().label);
            var err = c.withoutHelp().error() == null ? null : c.withoutHelp().error().kind();
            if (!Objects.equals(err, e.error())) out.add(what + ": error " + err + ", expected " + e.error());
            Fix fix = c.fixes().stream().filter(f -> f.kind() == e.fix() && f.works()).findFirst().orElse(null);
            if (fix == null) out.add(what + ": the plan offers no working " + e.fix() + " fix");
            else if (e.fix() == Fix.Kind.MARK_EXTERNAL && !fix.title().contains(ObjectKeys.externalUnix(ino)))
                out.add(what + ": the fix is \"" + fix.title() + "\", not " + ObjectKeys.externalUnix(ino));
            if (fixed != null) {
                Crossing f = fixed.crossings().stream().filter(x -> x.ourIno() == ino).findFirst().orElse(null);
                if (f == null) out.add(what + ": gone from the plan with the fixes");
                else {
                    if (f.withDecisions().outcome() != e.afterFix())
                        out.add(what + ": with the fix the plan says " + f.withDecisions().outcome().label);
                    var ob = f.obligation() == null || !f.withDecisions().outcome().dumps() ? null : f.obligation().kind();
                    if (!Objects.equals(ob, e.obligation())) out.add(what + ": restore obligation " + ob + ", expected " + e.obligation());
                }
            }
        }
        for (Crossing c : unmatched) out.add("unexpected crossing: " + c.kind().label + " " + c.key());
        return out;
    }
}
