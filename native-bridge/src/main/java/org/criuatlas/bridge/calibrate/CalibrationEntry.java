package org.criuatlas.bridge.calibrate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * One measured cell: a kind dumped with one variant by one CRIU on one kernel.
 *
 * @param kind        catalogue kind id
 * @param variant     catalogue variant id
 * @param role        the variant's role (none, fix, alternative, wrong)
 * @param flags       the criu flags the variant adds ({@code --tcp-established})
 * @param outcome     of the dump: dumped, failed, crashed, unknown, unavailable, cancelled
 * @param error       the dump's first error line, masked (null when none)
 * @param treeIntact  after the dump, every process of the dumped tree still ran in the state it had
 *                    before (always expected with --leave-running, and after every failure)
 * @param imageFiles  number of {@code *.img} files the dump left (0 after a failure)
 * @param millis      wall time of the criu request
 * @param restore     restore variants: the outcome of restoring the dump (restored, restored_different,
 *                    failed, crashed, unknown), else null
 * @param restoreError the restore's first error line, masked
 * @param note        what else was seen (why a probe was unavailable, how a restored tree differed)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CalibrationEntry(String kind, String variant, ProbeCatalogue.Role role, List<String> flags, Outcome outcome,
                               FirstError error, boolean treeIntact, int imageFiles, long millis, Outcome restore,
                               FirstError restoreError, String note) {
    public CalibrationEntry {
        flags = flags == null ? List.of() : List.copyOf(flags);
    }

    /** kind/variant, the key of a cell. */
    public String key() {
        return kind + "/" + variant;
    }
}
