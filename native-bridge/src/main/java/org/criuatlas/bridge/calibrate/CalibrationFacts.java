package org.criuatlas.bridge.calibrate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Measured facts for the planner: the calibration reports that apply to a CRIU version and
 * kernel. Sources, best first: the user's own calibration (the cache file for exactly this CRIU
 * version and kernel), then the built-in facts measured by the project
 * ({@code /org/criuatlas/calibrate/facts/*.json}, listed in {@code index.json}) for the same
 * version and kernel, then built-in facts for the same version on another kernel.
 */
public final class CalibrationFacts {
    public static final String BUILT_IN_DIR = "/org/criuatlas/calibrate/facts/";

    /** Where facts came from. */
    public enum Source {
        /** the user's calibration of this CRIU on this kernel */
        calibrated,
        /** measured by the project with this CRIU version on this kernel release */
        built_in,
        /** measured by the project with this CRIU version, on another kernel */
        built_in_other_kernel
    }

    /** A report and how it matches what was asked. */
    public record Facts(CalibrationReport report, Source source, Path file) {
        public Optional<CalibrationEntry> entry(String kind, String variant) {
            return report.entry(kind, variant);
        }

        /** "calibrated against CRIU 4.2.1 on Linux 6.18.44" */
        public String describe() {
            return switch (source) {
                case calibrated -> "calibrated against CRIU " + report.criuVersion() + " on Linux " + report.kernel();
                case built_in -> "measured by CRIU Atlas with CRIU " + report.criuVersion() + " on Linux " + report.kernel();
                case built_in_other_kernel -> "measured by CRIU Atlas with CRIU " + report.criuVersion() + " on Linux "
                        + report.kernel() + " (another kernel than this one)";
            };
        }
    }

    private CalibrationFacts() {}

    private static volatile List<CalibrationReport> builtIn;

    /** Every built-in report. */
    public static List<CalibrationReport> builtIn() {
        if (builtIn == null) {
            List<CalibrationReport> out = new ArrayList<>();
            try (InputStream idx = CalibrationFacts.class.getResourceAsStream(BUILT_IN_DIR + "index.json")) {
                if (idx == null) throw new IllegalStateException("missing resource " + BUILT_IN_DIR + "index.json");
                String[] names = ProbeCatalogue.JSON.readValue(idx, String[].class);
                for (String n : names) {
                    try (InputStream in = CalibrationFacts.class.getResourceAsStream(BUILT_IN_DIR + n)) {
                        if (in == null) throw new IllegalStateException("index.json names a missing resource: " + n);
                        out.add(ProbeCatalogue.JSON.readValue(in, CalibrationReport.class));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the built-in calibration facts: " + e.getMessage(), e);
            }
            builtIn = List.copyOf(out);
        }
        return builtIn;
    }

    /** The best facts for this CRIU version and kernel release, if any. */
    public static Optional<Facts> forCriu(String criuVersion, String kernel) {
        return forCriu(criuVersion, kernel, CalibrationReport.cacheFile(criuVersion, kernel));
    }

    /** {@link #forCriu(String, String)} with the user's result file given (tests). */
    static Optional<Facts> forCriu(String criuVersion, String kernel, Path cache) {
        if (Files.isRegularFile(cache)) {
            try {
                CalibrationReport r = CalibrationReport.read(cache);
                if (r.criuVersion().equals(criuVersion) && r.kernel().equals(kernel)) return Optional.of(new Facts(r, Source.calibrated, cache));
            } catch (IOException e) {
                // a damaged cache file is ignored: the built-in facts still apply
            }
        }
        for (CalibrationReport r : builtIn())
            if (r.criuVersion().equals(criuVersion) && r.kernel().equals(kernel)) return Optional.of(new Facts(r, Source.built_in, null));
        for (CalibrationReport r : builtIn())
            if (r.criuVersion().equals(criuVersion)) return Optional.of(new Facts(r, Source.built_in_other_kernel, null));
        return Optional.empty();
    }
}
