package org.criuatlas.host.migrate;

import java.util.List;

/**
 * What the target host said before anything was done: one finding per check (its CRIU, the tree's
 * pids, the files it has open, its named sockets, what its restore must be handed and how).
 *
 * @param source      the source host in words
 * @param target      the target host in words
 * @param sameMachine both hosts have one boot id: the tree's own pids and sockets are freed by its dump
 * @param findings    in check order
 */
public record Preflight(String source, String target, boolean sameMachine, List<Finding> findings) {
    public Preflight {
        findings = List.copyOf(findings);
    }

    public enum Severity { OK, WARNS, BLOCKS }

    /** What a check is about. */
    public enum Check {
        CRIU("CRIU"), PLAN("dump plan"), PIDS("pids"), FILES("open files"), MAPPED("programs and libraries"), SOCKETS("named sockets"),
        WIRING("restore wiring");

        private final String label;

        Check(String label) { this.label = label; }

        public String label() { return label; }
    }

    /**
     * @param check    what was checked
     * @param severity whether it blocks the move
     * @param subject  the thing checked (a pid, a path, a key; empty for the whole check)
     * @param text     what was found, in words
     */
    public record Finding(Check check, Severity severity, String subject, String text) {}

    public boolean blocked() {
        return findings.stream().anyMatch(f -> f.severity() == Severity.BLOCKS);
    }

    public List<Finding> blocking() {
        return findings.stream().filter(f -> f.severity() == Severity.BLOCKS).toList();
    }

    public List<Finding> of(Check c) {
        return findings.stream().filter(f -> f.check() == c).toList();
    }

    /** The findings as text, one per line ("BLOCKS pids: pid 12 is in use on DEST: ..."). */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (Finding f : findings) {
            b.append(String.format("%-6s %-14s %s%n", f.severity(), f.check().label(), f.text()));
        }
        return b.toString();
    }
}
