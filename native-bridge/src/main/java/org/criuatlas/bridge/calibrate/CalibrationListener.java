package org.criuatlas.bridge.calibrate;

/** Progress of a calibration run; called from the engine's worker threads (never the UI thread). */
@FunctionalInterface
public interface CalibrationListener {
    CalibrationListener NONE = (entry, done, total) -> {};

    /** One cell was measured; {@code done} of {@code total} cells are finished. */
    void onStep(CalibrationEntry entry, int done, int total);
}
