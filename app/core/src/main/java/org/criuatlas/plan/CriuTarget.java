package org.criuatlas.plan;

import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.CalibrationFacts;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuVersion;
import org.criuatlas.bridge.criu.NetworkTools;
import org.criuatlas.model.NamespaceKind;
import org.criuatlas.model.Namespaces;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CRIU a plan is made for: its version, the kernel it runs on, the namespaces it runs in, and
 * the measured facts for that pair (the user's calibration, else CRIU Atlas's built-in
 * measurements). What CRIU refuses depends on all of them (CRIU 4.1.1 cannot dump any inet socket
 * on Linux 6.16 and later; 4.2.1 can), so every verdict of a plan names the target it was made for.
 *
 * @param criuVersion "4.2.1"; null when no CRIU was found
 * @param kernel      the kernel release ("6.18.44-..."); null when unknown
 * @param host        the namespaces CRIU runs in (those of the process that runs it); UNKNOWN when not read
 * @param facts       the measured facts for this CRIU and kernel; null when there are none
 * @param note        how the target was found (or why not)
 * @param missingTools the programs CRIU runs to lock the network that it would not find on that machine
 *                    ({@link NetworkTools}); empty when all are there or when that is not known
 */
public record CriuTarget(String criuVersion, String kernel, Namespaces host, CalibrationFacts.Facts facts, String note,
                         Set<String> missingTools) {
    /** No CRIU known: the plan uses its rules, written for CRIU 4.2 and later. */
    public static final CriuTarget RULES = new CriuTarget(null, null, Namespaces.UNKNOWN, null,
            "CRIU version not known: rules for CRIU 4.2 and later");

    public CriuTarget {
        host = host == null ? Namespaces.UNKNOWN : host;
        note = note == null ? "" : note;
        missingTools = missingTools == null ? Set.of() : Set.copyOf(missingTools);
    }

    /** A target whose machine has every network tool (or where that is not known). */
    public CriuTarget(String criuVersion, String kernel, Namespaces host, CalibrationFacts.Facts facts, String note) {
        this(criuVersion, kernel, host, facts, note, Set.of());
    }

    /** The same target on a machine that lacks {@code tools} (names as in {@link NetworkTools}). */
    public CriuTarget withMissingTools(Set<String> tools) {
        return new CriuTarget(criuVersion, kernel, host, facts, note, tools);
    }

    /** True when CRIU would not find {@code tool} ({@link NetworkTools}) on that machine. */
    public boolean lacks(String tool) {
        return missingTools.contains(tool);
    }

    /** The target for a given CRIU version and kernel, with the best facts CRIU Atlas has for them (cache read, no CRIU run). */
    public static CriuTarget of(String criuVersion, String kernel, Namespaces host) {
        CalibrationFacts.Facts f = criuVersion == null || kernel == null ? null
                : CalibrationFacts.forCriu(criuVersion, kernel).orElse(null);
        return new CriuTarget(criuVersion, kernel, host, f, "CRIU " + criuVersion + " on Linux " + kernel);
    }

    /** The same target without measured facts: the plan says what its rules say. */
    public CriuTarget rulesOnly() {
        return new CriuTarget(criuVersion, kernel, host, null, note, missingTools);
    }

    /**
     * Asks {@code criu --version} (runs it) and reads the kernel release, our own namespaces and which
     * network tools criu would find here. Never on the FX thread.
     */
    public static CriuTarget detect(Path criu) {
        CriuVersion v = criu == null ? null : CriuLocator.version(criu);
        if (v == null) {
            return new CriuTarget(null, CalibrationReport.kernelRelease(), selfNamespaces(), null,
                    criu == null ? "no CRIU found: rules for CRIU 4.2 and later" : criu + " does not answer --version: rules for CRIU 4.2 and later",
                    NetworkTools.missing());
        }
        // spelled as the calibration engine spells it, so the user's calibration file is found
        return of(v.toString(), CalibrationReport.kernelRelease(), selfNamespaces()).withMissingTools(NetworkTools.missing());
    }

    /** The CRIU CRIU Atlas would use ({@link CriuLocator#locate()}), or the rules when there is none. */
    public static CriuTarget detect() {
        return detect(CriuLocator.locate().map(CriuLocator.Located::path).orElse(null));
    }

    /** The namespaces of this process, which runs CRIU. */
    public static Namespaces selfNamespaces() {
        long[] v = new long[NamespaceKind.values().length];
        for (NamespaceKind k : NamespaceKind.values()) {
            try {
                String t = Files.readSymbolicLink(Path.of("/proc/self/ns/" + k.linkName)).toString();
                Matcher m = NS.matcher(t);
                if (m.find()) v[k.ordinal()] = Long.parseLong(m.group(1));
            } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
                // unknown (0): the checks that need it say "cannot tell"
            }
        }
        return Namespaces.fromArray(v);
    }

    private static final Pattern NS = Pattern.compile("\\[(\\d+)]");
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)");

    /**
     * CRIU before 4.2 reads SO_PASSCRED/SO_PASSSEC of every inet and packet socket; Linux 6.16 refuses
     * that for them, so such a CRIU fails on any inet or packet socket (measured with 4.1.1 on 6.18).
     */
    public boolean socketOptionsRefused() {
        if (criuVersion == null || kernel == null) return false;
        return below(criuVersion, 4, 2) && !below(kernel, 6, 16);
    }

    private static boolean below(String version, int major, int minor) {
        Matcher m = VERSION.matcher(version);
        if (!m.find()) return false;
        int a = Integer.parseInt(m.group(1)), b = Integer.parseInt(m.group(2));
        return a < major || (a == major && b < minor);
    }

    /** The measured cell for a kind and variant, when there are facts. */
    public Optional<CalibrationEntry> measured(String kind, String variant) {
        return facts == null ? Optional.empty() : facts.entry(kind, variant);
    }

    /** "calibrated against CRIU 4.2.1 on Linux 6.18.44", or what the rules assume. */
    public String describe() {
        if (facts != null) return facts.describe();
        if (criuVersion == null) return "rules (CRIU version not known; written for CRIU 4.2 and later)";
        return "rules for CRIU " + criuVersion + " on Linux " + kernel + " (no calibration for them)";
    }
}
