package org.criuatlas.share;

import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.plan.Crossing;
import org.criuatlas.plan.DumpCommand;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.Fix;
import org.criuatlas.plan.PlanCheck;
import org.criuatlas.plan.PlanReport;
import org.criuatlas.plan.PlanSet;
import org.criuatlas.plan.Prediction;

import java.util.ArrayList;
import java.util.List;

/**
 * A plan as Markdown, for an issue or a review: the verdict, why, the checks, a table of what
 * crosses the boundary with the fixes, what the restore will need, and the exact command. Pure.
 */
public final class PlanMarkdown {
    private PlanMarkdown() {}

    public static String write(PlanSet set, IpcGraph g) {
        StringBuilder b = new StringBuilder();
        b.append("# Dump plan\n\n");
        b.append("Snapshot: ").append(g.meta().origin()).append(" at ").append(g.meta().takenAt()).append("  \n");
        b.append("Verdict: **").append(set.willSucceed() ? "every dump will succeed as planned" : "not every dump will succeed as planned")
                .append("**\n\n");
        if (!set.selectionChecks().isEmpty()) {
            b.append("## Selection\n\n");
            for (PlanCheck c : set.selectionChecks()) b.append("- ").append(md(c.message())).append('\n');
            b.append('\n');
        }
        for (DumpPlan p : set.plans()) plan(b, p, g);
        return b.toString();
    }

    private static void plan(StringBuilder b, DumpPlan p, IpcGraph g) {
        b.append("## pid ").append(p.root()).append(": `").append(code(p.rootCommand())).append("`\n\n");
        b.append("- Processes dumped: ").append(p.dumped().size()).append(" (").append(pids(p.dumped())).append(")\n");
        b.append("- Outcome: **").append(p.outcome().label).append("**\n");
        if (p.firstError() != null) b.append("- CRIU will print: `").append(code(p.firstError().line())).append("`\n");
        b.append('\n');
        if (!p.reasons().isEmpty()) {
            b.append("### Why\n\n");
            for (String r : p.reasons()) b.append("- ").append(md(r)).append('\n');
            b.append('\n');
        }
        if (!p.warnings().isEmpty()) {
            b.append("### Warnings\n\n");
            for (String w : p.warnings()) b.append("- ").append(md(w)).append('\n');
            b.append('\n');
        }
        if (!p.checks().isEmpty()) {
            b.append("### Checks on the whole tree\n\n");
            for (PlanCheck c : p.checks()) b.append("- ").append(md(c.message())).append('\n');
            b.append('\n');
        }
        b.append("### What crosses the boundary\n\n");
        if (p.crossings().isEmpty()) {
            b.append("Nothing: every socket, pipe and terminal is held inside the dump.\n\n");
        } else {
            b.append("| # | Kind | Object | Inside | Outside | Without help | With your choices | Fixes |\n");
            b.append("|---|---|---|---|---|---|---|---|\n");
            int i = 1;
            for (Crossing c : p.crossings()) {
                List<String> fixes = new ArrayList<>();
                for (Fix f : c.fixes()) fixes.add((f.works() ? "✔ " : "✘ ") + f.title());
                b.append("| ").append(i++).append(" | ").append(cell(c.kind().label)).append(" | `").append(code(c.key())).append('`')
                        .append(c.socketType() == null ? "" : " " + c.socketType().label())
                        .append(c.peerName().isNamed() ? " → " + cell(c.peerName().display()) : "")
                        .append(" | ").append(cell(holders(c.insideHolders(), g)))
                        .append(" | ").append(cell(c.outsideHolders().isEmpty() ? "not visible" : holders(c.outsideHolders(), g)))
                        .append(" | ").append(cell(says(c.withoutHelp())))
                        .append(" | ").append(cell(says(c.withDecisions())))
                        .append(" | ").append(cell(String.join("; ", fixes))).append(" |\n");
            }
            b.append('\n');
        }
        if (!p.obligations().isEmpty()) {
            b.append("### The restore will need\n\n");
            for (RestoreObligation o : p.obligations()) b.append("- `").append(code(o.key())).append("`: ").append(md(o.explanation())).append('\n');
            b.append('\n');
        }
        b.append("### Command\n\n```sh\n")
                .append(DumpCommand.text(p.options().withLogLevel(4).withLeaveRunning(false), PlanReport.IMAGES_PLACEHOLDER))
                .append("\n```\n\n");
    }

    private static String says(Prediction p) {
        return switch (p.outcome()) {
            case DUMP_FAILS -> "dump fails: " + p.error().line();
            case DUMPS -> "dumps fine" + (p.why().isEmpty() ? "" : " (" + p.why() + ")");
            case DUMPS_BREAKS_AT_RESTORE -> "dumps, breaks at restore: " + p.why();
            case UNKNOWN -> "cannot tell: " + p.why();
        };
    }

    private static String holders(List<Holder> hs, IpcGraph g) {
        List<String> parts = new ArrayList<>();
        for (Holder h : hs) {
            ProcessInfo p = g.process(h.pid());
            parts.add("pid " + h.pid() + (p == null ? "" : " " + p.comm()) + (h.fd() >= 0 ? " fd " + h.fd() : ""));
            if (parts.size() == 4 && hs.size() > 4) { parts.add("+" + (hs.size() - 4) + " more"); break; }
        }
        return String.join(", ", parts);
    }

    private static String pids(List<Integer> pids) {
        if (pids.size() <= 12) return pids.toString().replace("[", "").replace("]", "");
        return pids.subList(0, 12).toString().replace("[", "").replace("]", "") + ", … +" + (pids.size() - 12) + " more";
    }

    /** Text in a table cell: pipes escaped, one line. */
    static String cell(String s) {
        return md(s).replace("|", "\\|").replace("\n", " ");
    }

    /** Plain text that Markdown must not read as markup. */
    static String md(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if ("\\`*_[]<>#".indexOf(c) >= 0) b.append('\\');
            b.append(c);
        }
        return b.toString();
    }

    /** Text inside a code span: backticks would end it. */
    static String code(String s) {
        return s == null ? "" : s.replace('`', '\'').replace('\n', ' ');
    }
}
