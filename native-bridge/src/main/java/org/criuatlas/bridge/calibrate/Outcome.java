package org.criuatlas.bridge.calibrate;

/** What one CRIU request did (lower-case in the result files). */
public enum Outcome {
    /** criu replied success (dump: the images are written; restore: the tree runs) */
    dumped,
    /** criu replied failure; the first error line says why */
    failed,
    /** criu ended without a reply (killed by a signal, crashed) */
    crashed,
    /** no reply within the time limit, or something else went wrong around criu */
    unknown,
    /** the probe could not be built on this machine (the reason is in {@code note}) */
    unavailable,
    /** the run was cancelled before this step finished */
    cancelled,
    /** restore: criu restored the tree and it matches the original */
    restored,
    /** restore: criu restored the tree but it differs from the original (see {@code note}) */
    restored_different
}
