package org.criuatlas.plan;

import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A plan as text for people (its JSON form is org.criuatlas.json.PlanJson). Pure: returns strings. */
public final class PlanReport {
    /** Shown where the images directory goes in a command line. */
    public static final String IMAGES_PLACEHOLDER = "<images-dir>";

    private PlanReport() {}

    public static String text(PlanSet set, IpcGraph g) {
        StringBuilder b = new StringBuilder();
        for (PlanCheck c : set.selectionChecks()) b.append("Selection: ").append(c.message()).append('\n');
        if (!set.selectionChecks().isEmpty()) b.append('\n');
        for (DumpPlan p : set.plans()) text(b, p, g);
        if (set.plans().size() > 1) {
            b.append(set.willSucceed() ? "All dumps will succeed as planned.\n" : "Not every dump will succeed as planned.\n");
        }
        return b.toString();
    }

    private static void text(StringBuilder b, DumpPlan p, IpcGraph g) {
        int n = p.dumped().size();
        b.append("Dump plan for pid ").append(p.root()).append(" (").append(p.rootCommand()).append(") — ")
                .append(n).append(n == 1 ? " process" : " processes").append(" will be dumped: ").append(pids(p.dumped())).append('\n');
        b.append("Verdict: ");
        switch (p.outcome()) {
            case DUMPS -> b.append("the dump will SUCCEED as planned.\n");
            case DUMPS_BREAKS_AT_RESTORE -> b.append("the dump will SUCCEED, but something breaks at restore unless you act (see below).\n");
            case DUMP_FAILS -> b.append("the dump will FAIL as planned.\n")
                    .append(p.reasons().size() > 1
                            // CRIU stops at the first failing object it meets; which one that is depends
                            // on the order of its internal lists, so name the kind, not the object.
                            ? "  CRIU will stop at the first of the objects below it meets, with a line like: "
                            : "  CRIU will print: ")
                    .append(p.firstError().line()).append('\n');
            case UNKNOWN -> b.append("CANNOT TELL from this snapshot.\n");
        }
        if (!p.reasons().isEmpty() && p.outcome() != Outcome.DUMPS) {
            b.append("  Why:\n");
            for (String r : p.reasons()) b.append("   - ").append(r).append('\n');
        }
        if (!p.checks().isEmpty()) {
            b.append("\nChecks on the whole tree:\n");
            for (PlanCheck c : p.checks()) b.append(" - ").append(c.message()).append('\n');
        }
        if (p.crossings().isEmpty()) {
            b.append("\nNothing crosses the boundary: every socket, pipe and terminal is held inside the dump.\n");
        } else {
            b.append("\nWhat crosses the boundary (").append(p.crossings().size()).append("):\n");
            int i = 1;
            for (Crossing c : p.crossings()) {
                b.append(String.format("%2d. %s  %s%s%n", i++, c.kind().label, c.key(),
                        c.socketType() == null ? "" : " (" + c.socketType().label() + ")"));
                b.append("    ").append(c.kind().description).append('\n');
                b.append("    inside: ").append(holders(c.insideHolders(), g));
                b.append("   outside: ").append(c.outsideHolders().isEmpty() ? "not visible" : holders(c.outsideHolders(), g));
                if (c.outsideIno() != 0 && c.outsideIno() != c.ourIno()) b.append(" (its end: ").append(c.outsideIno()).append(')');
                if (c.peerName().isNamed()) b.append(", named ").append(c.peerName().display());
                b.append('\n');
                b.append("    without help: ").append(says(c.withoutHelp())).append('\n');
                List<Fix> good = c.fixes().stream().filter(Fix::works).toList();
                List<Fix> bad = c.fixes().stream().filter(f -> !f.works()).toList();
                if (!good.isEmpty()) {
                    b.append("    fixes:\n");
                    for (Fix f : good) b.append("      * ").append(f.title()).append(": ").append(f.consequence()).append('\n');
                }
                if (!bad.isEmpty()) {
                    b.append("    does not help:\n");
                    for (Fix f : bad) b.append("      x ").append(f.title()).append(": ").append(f.consequence()).append('\n');
                }
                b.append("    with your choices: ").append(says(c.withDecisions())).append('\n');
                for (String note : c.notes()) b.append("    note: ").append(note).append('\n');
            }
        }
        if (!p.objects().isEmpty()) {
            List<ObjectVerdict> notable = p.objects().stream().filter(v -> !v.withDecisions().outcome().dumps() || v.overruled()
                    || v.withoutHelp().outcome() != v.withDecisions().outcome()).toList();
            b.append("\nObjects CRIU checks one by one (").append(p.objects().size()).append(", ")
                    .append(p.objects().size() - notable.size()).append(" of them dump as they are):\n");
            for (ObjectVerdict v : notable) {
                b.append(" - ").append(v.kind()).append(": ").append(v.object()).append(" (pid ").append(v.pid()).append(")\n");
                b.append("    without help: ").append(says(v.withoutHelp())).append('\n');
                for (Fix f : v.fixes()) b.append(f.works() ? "      * " : "      x ").append(f.title()).append(": ").append(f.consequence()).append('\n');
                b.append("    with your choices: ").append(says(v.withDecisions())).append('\n');
                b.append("    basis: ").append(v.basisText()).append('\n');
                for (String note : v.notes()) b.append("    note: ").append(note).append('\n');
            }
        }
        if (!p.obligations().isEmpty()) {
            b.append("\nThe restore will need:\n");
            for (RestoreObligation o : p.obligations()) b.append(" - ").append(o.key()).append(": ").append(o.explanation()).append('\n');
        }
        b.append("\nCommand: ").append(DumpCommand.text(p.options().withLogLevel(4).withLeaveRunning(false), IMAGES_PLACEHOLDER)).append('\n');
        if (!p.basis().isEmpty()) b.append("Basis: ").append(p.basis()).append('\n');
        b.append("Will the dump succeed as planned? ").append(p.willSucceed() ? "yes" : "no").append("\n\n");
    }

    private static String says(Prediction p) {
        return switch (p.outcome()) {
            case DUMP_FAILS -> "dump fails — " + p.error().line();
            case DUMPS -> "dumps fine" + (p.why().isEmpty() ? "" : " (" + p.why() + ")");
            case DUMPS_BREAKS_AT_RESTORE -> "dumps, but breaks at restore: " + p.why();
            case UNKNOWN -> "cannot tell: " + p.why();
        };
    }

    private static String pids(List<Integer> pids) {
        if (pids.size() <= 12) return pids.toString();
        return pids.subList(0, 12).toString().replace("]", ", … +" + (pids.size() - 12) + " more]");
    }

    private static String holders(List<Holder> hs, IpcGraph g) {
        List<String> parts = new ArrayList<>();
        for (Holder h : hs) {
            ProcessInfo p = g.process(h.pid());
            parts.add("pid " + h.pid() + (p == null ? "" : " (" + p.comm() + ")") + (h.fd() >= 0 ? " fd " + h.fd() : ""));
            if (parts.size() == 4 && hs.size() > 4) { parts.add("+" + (hs.size() - 4) + " more"); break; }
        }
        return String.join(", ", parts);
    }
}
