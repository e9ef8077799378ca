package org.criuatlas.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A plan as text for people and as JSON for scripts. Pure: returns strings. */
public final class PlanReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
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
        if (!p.obligations().isEmpty()) {
            b.append("\nThe restore will need:\n");
            for (RestoreObligation o : p.obligations()) b.append(" - ").append(o.key()).append(": ").append(o.explanation()).append('\n');
        }
        b.append("\nCommand: ").append(DumpCommand.text(p.options().withLogLevel(4).withLeaveRunning(false), IMAGES_PLACEHOLDER)).append('\n');
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

    // ---------------------------------------------------------------------------------------------

    public static String json(PlanSet set) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("willSucceed", set.willSucceed());
        m.put("commonAncestor", set.commonAncestor());
        m.put("selection", set.selectionChecks().stream().map(PlanReport::check).toList());
        m.put("plans", set.plans().stream().map(PlanReport::plan).toList());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan JSON", e);
        }
    }

    private static Map<String, Object> plan(DumpPlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", p.root());
        m.put("rootCommand", p.rootCommand());
        m.put("dumped", p.dumped());
        m.put("outcome", p.outcome().name());
        m.put("willSucceed", p.willSucceed());
        m.put("firstError", p.firstError() == null ? null : error(p.firstError()));
        m.put("reasons", p.reasons());
        m.put("warnings", p.warnings());
        m.put("checks", p.checks().stream().map(PlanReport::check).toList());
        m.put("crossings", p.crossings().stream().map(PlanReport::crossing).toList());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("pid", p.options().pid());
        o.put("shellJob", p.options().shellJob());
        o.put("extUnixSk", p.options().extUnixSk());
        o.put("external", p.options().external());
        m.put("options", o);
        m.put("command", DumpCommand.args(p.options().withLogLevel(4), IMAGES_PLACEHOLDER));
        m.put("restoreObligations", p.obligations().stream().map(PlanReport::obligation).toList());
        return m;
    }

    private static Map<String, Object> check(PlanCheck c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", c.kind().name());
        m.put("pid", c.pid());
        m.put("outcome", c.prediction().outcome().name());
        m.put("error", c.prediction().error() == null ? null : error(c.prediction().error()));
        m.put("message", c.message());
        return m;
    }

    private static Map<String, Object> crossing(Crossing c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", c.kind().name());
        m.put("label", c.kind().label);
        m.put("key", c.key());
        m.put("ourIno", c.ourIno());
        m.put("outsideIno", c.outsideIno());
        m.put("socketType", c.socketType() == null ? null : c.socketType().label());
        m.put("ourName", c.ourName().display());
        m.put("peerName", c.peerName().display());
        m.put("inside", c.insideHolders().stream().map(PlanReport::holder).toList());
        m.put("outside", c.outsideHolders().stream().map(PlanReport::holder).toList());
        m.put("ownerVisible", c.ownerVisible());
        m.put("withoutHelp", prediction(c.withoutHelp()));
        m.put("fixes", c.fixes().stream().map(f -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("kind", f.kind().name());
            x.put("works", f.works());
            x.put("title", f.title());
            x.put("consequence", f.consequence());
            if (f.newRoot() != 0) x.put("newRoot", f.newRoot());
            return x;
        }).toList());
        m.put("withDecisions", prediction(c.withDecisions()));
        m.put("restoreObligation", c.obligation() == null ? null : obligation(c.obligation()));
        m.put("notes", c.notes());
        return m;
    }

    private static Map<String, Object> prediction(Prediction p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", p.outcome().name());
        m.put("error", p.error() == null ? null : error(p.error()));
        m.put("why", p.why());
        return m;
    }

    private static Map<String, Object> error(CriuError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", e.kind().name());
        m.put("line", e.line());
        return m;
    }

    private static Map<String, Object> holder(Holder h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", h.pid());
        m.put("fd", h.fd());
        return m;
    }

    private static Map<String, Object> obligation(RestoreObligation o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", o.key());
        m.put("kind", o.kind().name());
        m.put("ino", o.ino());
        m.put("holder", o.holder() == null ? null : holder(o.holder()));
        m.put("socketType", o.socketType() == null ? null : o.socketType().label());
        m.put("peerName", o.peerName().display());
        if (o.kind() == RestoreObligation.Kind.INHERIT_PIPE) m.put("dumpedEnd", o.pipeEndRead() ? "read" : "write");
        m.put("explanation", o.explanation());
        return m;
    }
}
