package org.criuatlas.plan;

import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.Outcome;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.model.IpcGraph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.criuatlas.plan.ObjectDiscovery.Found;

/**
 * The planner's judgement of the objects CRIU checks one by one (inet, packet and netlink sockets,
 * files, locks, SysV IPC, anon inodes, namespaces, process states): takes them as
 * {@link ObjectDiscovery} finds them in the dumped tree, applies the rule of docs/dump-rules.md to
 * each under the chosen options, and lets the measured facts of the {@link CriuTarget} overrule the
 * rule where they say something else. Pure: no I/O.
 */
final class ObjectRules {
    private ObjectRules() {}

    // option names as the calibration's cells spell them (their values left out)
    static final String TCP_ESTABLISHED = "--tcp-established", TCP_CLOSE = "--tcp-close", SKIP_IN_FLIGHT = "--skip-in-flight",
            FILE_LOCKS = "--file-locks", LINK_REMAP = "--link-remap", GHOST_LIMIT = "--ghost-limit", SHELL_JOB = "--shell-job",
            EXT_UNIX_SK = "--ext-unix-sk";

    /** Every object of the tree with its verdict, in the order CRIU meets them (processes breadth first, fds ascending). */
    static List<ObjectVerdict> judge(IpcGraph g, int root, Collection<Integer> inside, Decisions d, CriuTarget target) {
        List<Found> found = ObjectDiscovery.discover(g, root, inside, target);
        List<ObjectVerdict> out = new ArrayList<>(found.size());
        for (Found f : found) out.add(verdict(f, d, target));
        return out;
    }

    // ------------------------------------------------------------------------------- verdicts

    /** The option names the decisions amount to for one object (the ghost limit only where it is large enough). */
    private static Set<String> flags(Decisions d, Found f) {
        Set<String> s = new TreeSet<>();
        Decisions.ObjectOptions o = d.objects();
        if (o.tcpEstablished()) s.add(TCP_ESTABLISHED);
        if (o.tcpClose()) s.add(TCP_CLOSE);
        if (o.skipInFlight()) s.add(SKIP_IN_FLIGHT);
        if (o.fileLocks()) s.add(FILE_LOCKS);
        if (o.linkRemap()) s.add(LINK_REMAP);
        if (o.ghostLimit() > 0 && (f.size() < 0 || o.ghostLimit() >= f.size())) s.add(GHOST_LIMIT);
        if (d.shellJob()) s.add(SHELL_JOB);
        if (d.extUnixSk()) s.add(EXT_UNIX_SK);
        for (String e : o.external()) s.add("--external " + e.substring(0, 3));
        return s;
    }

    /** An option as a cell spells it, without its value ({@code --ghost-limit 3145728} → {@code --ghost-limit}). */
    static String optionName(String flag) {
        if (flag.startsWith("--external ")) return "--external " + flag.substring(11, Math.min(flag.length(), 14));
        int sp = flag.indexOf(' ');
        return sp < 0 ? flag : flag.substring(0, sp);
    }

    private static ObjectVerdict verdict(Found f, Decisions d, CriuTarget t) {
        Set<String> chosen = flags(d, f);
        Prediction ruleWithout = f.rule().apply(Set.of());
        Prediction ruleWith = f.rule().apply(chosen);
        Optional<Prediction> mWithout = measured(f, Set.of(), ruleWithout, t);
        Optional<Prediction> mWith = measured(f, chosen, ruleWith, t);
        boolean overruled = mWithout.map(m -> !same(m, ruleWithout)).orElse(false) || mWith.map(m -> !same(m, ruleWith)).orElse(false);
        Prediction without = mWithout.orElse(ruleWithout), with = mWith.orElse(ruleWith);
        ObjectVerdict.Basis basis;
        String basisText;
        if (with.outcome() == org.criuatlas.plan.Outcome.UNKNOWN) {
            basis = ObjectVerdict.Basis.CANNOT_TELL;
            basisText = "cannot tell: " + with.why();
        } else if (mWith.isPresent()) {
            basis = ObjectVerdict.Basis.CALIBRATED;
            basisText = t.describe() + (overruled ? "; the built-in rule said otherwise and is overruled" : "");
        } else {
            basis = ObjectVerdict.Basis.RULE;
            basisText = "rule" + (t.criuVersion() == null ? " (CRIU version not known; written for CRIU 4.2 and later)"
                    : " for CRIU " + t.criuVersion() + (t.facts() == null ? " (no calibration for this CRIU and kernel)"
                    : " (this option combination was not measured)"));
        }
        List<String> notes = new ArrayList<>(f.notes());
        if (overruled)
            notes.add("measured: " + t.describe() + " — the rule said \"" + ruleWith.outcome().label + "\", CRIU did \"" + with.outcome().label + "\"");
        return new ObjectVerdict(f.kind(), f.group(), f.object(), f.pid(), f.fd(), without, f.fixes(), with, basis, basisText, overruled, notes);
    }

    private static boolean same(Prediction a, Prediction b) {
        if (a.outcome().dumps() != b.outcome().dumps()) return false;
        if (a.error() == null || b.error() == null) return a.error() == b.error();
        return a.error().kind() == b.error().kind();
    }

    /**
     * The measured outcome for this object's kind under the given options, when the target has a cell
     * for exactly those options (those that matter to the kind). A failure whose error this object
     * cannot cause came from another object of the probe and says nothing about this one.
     */
    private static Optional<Prediction> measured(Found f, Set<String> chosen, Prediction rule, CriuTarget t) {
        if (t.facts() == null || rule.outcome() == org.criuatlas.plan.Outcome.UNKNOWN) return Optional.empty();
        // a network tool missing here: the measurement was made where CRIU had it, so it does not apply
        if (rule.error() != null && (rule.error().kind() == CriuErrorKind.TCP_LOCK_FAILED || rule.error().kind() == CriuErrorKind.NETWORK_LOCK))
            return Optional.empty();
        List<CalibrationEntry> cells = t.facts().report().entries().stream().filter(e -> e.kind().equals(f.kind())).toList();
        if (cells.isEmpty()) return Optional.empty();
        Set<String> known = new HashSet<>();
        for (CalibrationEntry e : cells) for (String fl : e.flags()) known.add(optionName(fl));
        Set<String> relevant = new TreeSet<>(chosen);
        relevant.retainAll(known);
        for (CalibrationEntry e : cells) {
            Set<String> names = new TreeSet<>();
            for (String fl : e.flags()) names.add(optionName(fl));
            if (!names.equals(relevant)) continue;
            if (e.outcome() == Outcome.dumped) return Optional.of(Prediction.dumps(
                    "measured with CRIU " + t.facts().report().criuVersion() + (names.isEmpty() ? "" : " and " + String.join(" ", names))));
            if (e.outcome() != Outcome.failed || e.error() == null) continue;
            CriuErrorKind k = CriuErrorKind.firstIn(List.of(e.error().raw()));
            if (k == null || !f.own().contains(k)) return Optional.empty();
            String text = rule.error() != null && rule.error().kind() == k ? rule.error().text() : messageOf(e.error().raw());
            return Optional.of(Prediction.fails(new CriuError(k, e.error().where(), text),
                    "measured with CRIU " + t.facts().report().criuVersion() + (names.isEmpty() ? "" : " and " + String.join(" ", names))));
        }
        return Optional.empty();
    }

    /** The message of a raw error line ({@code Error (file:N): message}). */
    private static String messageOf(String raw) {
        int i = raw.indexOf("): ");
        return i < 0 ? raw : raw.substring(i + 3);
    }

    /** The kinds found, for tests and the matrix: distinct, in order. */
    static Set<String> kinds(List<ObjectVerdict> vs) {
        Set<String> s = new LinkedHashSet<>();
        for (ObjectVerdict v : vs) s.add(v.kind());
        return s;
    }
}
