package org.criuatlas.plan.suggest;

import org.criuatlas.plan.DumpCommand;
import org.criuatlas.plan.PlanReport;

import java.util.List;

/**
 * {@code plan --suggest}: the suggestions as text for people and as JSON for scripts (documented in
 * docs/plan-suggest.md). The JSON is made of the records below, written by org.criuatlas.json.Json as they are.
 */
public final class SuggestionReport {
    /** Bumped when a field changes meaning or goes away. */
    public static final int VERSION = 1;

    private SuggestionReport() {}

    /** One suggestion in the JSON. */
    public record Item(int root, int size, List<Change> changes, RestoreCost cost, String outcome, List<String> external,
                       boolean shellJob, boolean extUnixSk, List<String> inheritAtRestore, List<String> command,
                       List<String> restoreObligations) {}

    /** The whole answer for one root. */
    public record Report(int version, int root, boolean alreadyDumps, List<Item> suggestions, List<String> unfixable) {}

    public static Report report(Suggestions s) {
        List<Item> items = s.suggestions().stream().map(x -> new Item(x.root(), x.size(), x.changes(), x.cost(),
                x.plan().outcome().name(), x.plan().options().external(), x.plan().options().shellJob(),
                x.plan().options().extUnixSk(), x.decisions().inheritAtRestore().stream().sorted().toList(),
                DumpCommand.args(x.plan().options().withLogLevel(4), PlanReport.IMAGES_PLACEHOLDER),
                x.plan().obligations().stream().map(o -> o.kind() + " " + o.key()).toList())).toList();
        return new Report(VERSION, s.root(), s.alreadyDumps(), items, s.unfixable());
    }

    /** The JSON document of {@code plan --suggest --json}: one report per root. */
    public static List<Report> reports(List<Suggestions> all) {
        return all.stream().map(SuggestionReport::report).toList();
    }

    public static String text(Suggestions s) {
        StringBuilder b = new StringBuilder();
        if (s.alreadyDumps()) return b.append("pid ").append(s.root()).append(": the dump succeeds as it is; nothing to change.\n").toString();
        if (s.suggestions().isEmpty()) {
            b.append("pid ").append(s.root()).append(": no set of changes makes this dump succeed.\n");
        } else {
            b.append("pid ").append(s.root()).append(": ").append(s.suggestions().size())
                    .append(" way(s) to make the dump succeed, cheapest at restore first:\n");
            int i = 1;
            for (Suggestion x : s.suggestions()) {
                b.append("\n").append(i++).append(". ").append(x.size()).append(" change(s); at restore: ").append(x.cost().text()).append('\n');
                for (Change c : x.changes()) b.append("   - ").append(c.text()).append('\n');
                b.append("   then: ").append(x.plan().outcome().label).append('\n');
                b.append("   criu ").append(String.join(" ", DumpCommand.args(x.plan().options().withLogLevel(4),
                        PlanReport.IMAGES_PLACEHOLDER))).append('\n');
            }
        }
        for (String u : s.unfixable()) b.append("cannot be fixed by a tick: ").append(u).append('\n');
        return b.toString();
    }
}
