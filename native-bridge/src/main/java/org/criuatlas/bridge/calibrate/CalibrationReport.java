package org.criuatlas.bridge.calibrate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.criuatlas.bridge.criu.CriuLocator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The result of one calibration run: every cell measured for one CRIU version on one kernel. Its
 * JSON form is the result file in the user's cache ({@link #cacheFile}) and, for the versions
 * measured by the project, part of the built-in facts (docs/dump-rules.md, "Calibration").
 *
 * @param format      1
 * @param criuVersion {@code criu --version}, e.g. {@code 4.2.1}
 * @param criuPath    the binary that was run
 * @param kernel      {@code /proc/sys/kernel/osrelease}
 * @param arch        {@code os.arch}
 * @param started     when the run started (ISO-8601, UTC)
 * @param wallMillis  wall time of the whole run
 * @param parallelism probes run at the same time
 * @param complete    every cell of the catalogue was measured (not cancelled, no kind left out)
 * @param entries     the cells, in catalogue order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CalibrationReport(int format, String criuVersion, String criuPath, String kernel, String arch, String started,
                                long wallMillis, int parallelism, boolean complete, List<CalibrationEntry> entries) {
    public static final int FORMAT = 1;

    public CalibrationReport {
        entries = List.copyOf(entries);
    }

    public Optional<CalibrationEntry> entry(String kind, String variant) {
        return entries.stream().filter(e -> e.kind().equals(kind) && e.variant().equals(variant)).findFirst();
    }

    /**
     * System property naming the folder of the user's calibration files instead of
     * {@code $CRIU_ATLAS_HOME/calibration} (tests keep their results under target/ with it).
     */
    public static final String CACHE_DIR_PROPERTY = "criuatlas.calibration.dir";

    /** The folder of the user's calibration files: {@value #CACHE_DIR_PROPERTY}, else {@code $CRIU_ATLAS_HOME/calibration}. */
    public static Path cacheDir() {
        String d = System.getProperty(CACHE_DIR_PROPERTY);
        if (d != null && !d.isBlank()) return Path.of(d);
        return CriuLocator.atlasHome().resolve("calibration");
    }

    /** {@code $CRIU_ATLAS_HOME/calibration/criu-VERSION_linux-RELEASE.json} (see {@link #cacheDir()}) */
    public static Path cacheFile(String criuVersion, String kernel) {
        return cacheDir().resolve(fileName(criuVersion, kernel));
    }

    static String fileName(String criuVersion, String kernel) {
        return ("criu-" + criuVersion + "_linux-" + kernel).replaceAll("[^A-Za-z0-9._+-]", "_") + ".json";
    }

    @JsonIgnore
    public Path cacheFile() {
        return cacheFile(criuVersion, kernel);
    }

    /** Writes the JSON atomically (a temporary file renamed over the target). */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".calibration-", ".tmp");
        try {
            ProbeCatalogue.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * This run's cells over an earlier report of the same CRIU version and kernel: the kinds this run
     * measured come from it, every other kind's cells from {@code older}, in {@code catalogue} order
     * (a run of a few kinds refines a whole calibration instead of replacing it). {@code complete}
     * when every cell of the catalogue is there and none was cancelled. This run's own facts
     * (start, time, parallelism, criu path) are kept.
     */
    public CalibrationReport over(CalibrationReport older, ProbeCatalogue catalogue) {
        if (!older.criuVersion().equals(criuVersion) || !older.kernel().equals(kernel))
            throw new IllegalArgumentException("calibration of CRIU " + older.criuVersion() + " on Linux " + older.kernel()
                    + " cannot take cells of CRIU " + criuVersion + " on Linux " + kernel);
        java.util.Set<String> measured = new java.util.HashSet<>();
        java.util.Map<String, CalibrationEntry> cells = new java.util.HashMap<>();
        for (CalibrationEntry e : entries) {
            measured.add(e.kind());
            cells.put(e.key(), e);
        }
        List<CalibrationEntry> out = new java.util.ArrayList<>();
        int all = 0;
        for (ProbeCatalogue.Kind k : catalogue.kinds()) {
            for (ProbeCatalogue.Variant v : k.variants()) {
                all++;
                String key = k.id() + "/" + v.id();
                CalibrationEntry e = measured.contains(k.id()) ? cells.get(key) : older.entry(k.id(), v.id()).orElse(null);
                if (e != null) out.add(e);
            }
        }
        boolean whole = out.size() == all && out.stream().noneMatch(e -> e.outcome() == Outcome.cancelled);
        return new CalibrationReport(format, criuVersion, criuPath, kernel, arch, started, wallMillis, parallelism, whole, out);
    }

    /** The JSON of the result file, as {@link #write} writes it. */
    public String toJson() {
        try {
            return ProbeCatalogue.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static CalibrationReport read(Path file) throws IOException {
        CalibrationReport r = ProbeCatalogue.JSON.readValue(file.toFile(), CalibrationReport.class);
        if (r.format() != FORMAT) throw new IOException(file + ": calibration format " + r.format() + ", expected " + FORMAT);
        return r;
    }

    /** The running kernel's release. */
    public static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }
}
