package org.criuatlas.plan.restore;

/**
 * Something wrong (or worth knowing) about a wiring plan.
 *
 * @param severity {@link Severity#BLOCKS} stops the restore
 * @param row      index of the row it concerns, -1 for the plan as a whole
 * @param key      the object key it concerns (empty when none)
 * @param message  plain words
 */
public record WiringProblem(Severity severity, int row, String key, String message) {
    public enum Severity { BLOCKS, WARNING }

    public boolean blocks() { return severity == Severity.BLOCKS; }
}
