package org.criuatlas.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layout of CRIU Atlas, checked on the compiled classes of every module (main classes only):
 * a wrong-way import fails the build with the rule's reason instead of waiting for a reviewer.
 *
 * <pre>
 *   model  &lt;-  bridge  &lt;-  core  &lt;-  desktop
 *                               &lt;-  cli (-&gt; desktop only through its entry classes)
 * </pre>
 * Each rule says why it exists in its {@code because}.
 */
class ArchitectureTest {
    static final String MODEL = "org.criuatlas.model..";
    static final String BRIDGE = "org.criuatlas.bridge..";
    static final String[] CORE = {"org.criuatlas.plan..", "org.criuatlas.restore..", "org.criuatlas.sample..",
            "org.criuatlas.json..", "org.criuatlas.logging..",
            // sharing: JSON/DOT/Markdown exports and the bug-report bundle, pure writers over the core's records
            "org.criuatlas.share.."};
    static final String DESKTOP = "org.criuatlas.ui..";
    /** The entry point {@code org.criuatlas.Main} lives in the root package, beside the command packages. */
    static final String[] CLI = {"org.criuatlas.cli..", "org.criuatlas.bench..", "org.criuatlas"};

    /**
     * What the command line may call in the desktop module: open the window, run the render benchmark,
     * draw the graph as PNG/SVG for {@code export} (GraphPicture draws with the view's own layout and rasterizer).
     */
    static final DescribedPredicate<JavaClass> DESKTOP_ENTRY = DescribedPredicate.describe(
            "the desktop's entry classes (AtlasApp, RenderBenchmark, GraphPicture)",
            c -> c.getName().equals("org.criuatlas.ui.AtlasApp")
                    || c.getName().equals("org.criuatlas.ui.export.GraphPicture")
                    || c.getName().equals("org.criuatlas.ui.bench.RenderBenchmark")
                    || c.getName().startsWith("org.criuatlas.ui.bench.RenderBenchmark$"));

    /**
     * The one binding of libc and the classes nested in it (SyscallException, the JNA interface), with
     * the classes that group its calls by area (sockets, waiting on fds, posix_spawn).
     */
    static final java.util.List<String> LIBC_CLASSES = java.util.List.of("org.criuatlas.bridge.criu.LibC",
            "org.criuatlas.bridge.criu.UnixSockets", "org.criuatlas.bridge.criu.FdEvents", "org.criuatlas.bridge.criu.PosixSpawn");
    static final DescribedPredicate<JavaClass> LIBC = DescribedPredicate.describe(
            "org.criuatlas.bridge.criu.LibC (and UnixSockets, FdEvents, PosixSpawn)",
            c -> LIBC_CLASSES.stream().anyMatch(n -> c.getName().equals(n) || c.getName().startsWith(n + "$")));

    /**
     * Desktop classes that still print to the standard streams, each for a reason the desktop module
     * owns: the "no display" message comes before the window (and its log) exists; the render benchmark
     * prints the report of {@code bench render}; the board's developer main is a tool, not the app.
     */
    static final DescribedPredicate<JavaClass> DESKTOP_STREAM_EXCEPTIONS = DescribedPredicate.describe(
            "the console entry points outside the cli (AtlasApp, RenderBenchmark, RestoreBoardDevMain, CalibrateMain)",
            c -> c.getName().equals("org.criuatlas.ui.AtlasApp")
                    // the project's tool that regenerates the measured facts and docs/dump-rules.md's table
                    || c.getName().startsWith("org.criuatlas.bridge.calibrate.CalibrateMain")
                    || c.getName().startsWith("org.criuatlas.ui.bench.RenderBenchmark")
                    || c.getName().startsWith("org.criuatlas.ui.restore.RestoreBoardDevMain"));

    static JavaClasses all;

    @BeforeAll
    static void importClasses() {
        all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.criuatlas");
        if (all.size() < 200) throw new AssertionError("only " + all.size() + " classes imported: the modules are not on the class path");
    }

    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Model").definedBy(MODEL)
            .layer("Bridge").definedBy(BRIDGE)
            .layer("Core").definedBy(CORE)
            .layer("Desktop").definedBy(DESKTOP)
            .layer("Cli").definedBy(CLI)
            .whereLayer("Cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("Desktop").mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Core").mayOnlyBeAccessedByLayers("Desktop", "Cli")
            .whereLayer("Bridge").mayOnlyBeAccessedByLayers("Core", "Desktop", "Cli")
            .whereLayer("Model").mayOnlyBeAccessedByLayers("Bridge", "Core", "Desktop", "Cli")
            .because("the graph model is what everything shares, the bridge is the only thing that touches Linux and CRIU,"
                    + " the core decides without a window, and the window and the command line are two faces of the same core:"
                    + " a lower layer that imports a higher one can no longer be used or tested without it");

    static final ArchRule CLI_USES_DESKTOP_ONLY_THROUGH_ENTRY = noClasses().that().resideInAnyPackage(CLI)
            .should().dependOnClassesThat(resideInAPackage(DESKTOP).and(not(DESKTOP_ENTRY)))
            .because("the command line opens the window and runs the render benchmark and nothing else of the desktop;"
                    + " anything more it needs belongs in the core, where the window can use it too");

    static final ArchRule NO_JAVAFX_OUTSIDE_DESKTOP = noClasses().that().resideOutsideOfPackage(DESKTOP)
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "com.sun.javafx..", "com.sun.glass..",
                    "com.sun.prism..", "org.controlsfx..")
            .because("headless commands, the planner and the restore logic must run (and be tested) where no toolkit"
                    + " or display exists, and the JavaFX thread rules stay in one module");

    static final ArchRule NO_NATIVE_OUTSIDE_BRIDGE = noClasses().that().resideOutsideOfPackage(BRIDGE)
            .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
            .orShould().dependOnClassesThat(LIBC)
            .because("every syscall gets one named, tested method in native-bridge (errno mapped to a typed error naming"
                    + " the call, fds behind AutoCloseable); raw libc calls elsewhere leak fds and duplicate that work");

    static final ArchRule JSON_IN_ONE_PACKAGE = noClasses().that().resideOutsideOfPackages("org.criuatlas.json..",
                    // the calibration's own files (probe catalogue, measured facts, the user's result file):
                    // a storage format of the bridge, not command output
                    "org.criuatlas.bridge.calibrate..",
                    // container engines' own JSON files inside checkpoint archives (config.dump, spec.dump, ...): input
                    "org.criuatlas.bridge.archive..",
                    // the bridge protocol's payloads (docs/bridge.md): the model's records as they are, between two
                    // CRIU Atlas processes of one protocol version; not command output
                    "org.criuatlas.bridge.server..")
            .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
            .because("scan, show, plan, dump and restore print one JSON model (explicit, versioned DTO records in"
                    + " org.criuatlas.json, docs/json.md); the planner and the model classes must not change shape"
                    + " on the wire when they change inside");

    static final ArchRule ONLY_CLI_WRITES_STANDARD_STREAMS = noClasses()
            .that().resideOutsideOfPackages(CLI).and(not(DESKTOP_STREAM_EXCEPTIONS))
            .should(ACCESS_STANDARD_STREAMS)
            .because("stdout carries a command's result and stderr its diagnostics, both written by the command line;"
                    + " everything else logs (System.Logger, to the log file and with --debug to stderr)");

    static final ArchRule NO_CYCLES = slices().matching("org.criuatlas.(**)").should().beFreeOfCycles()
            .because("a package cycle makes two packages one: neither can be understood, tested or moved alone");

    @Test void layersPointOneWay() { LAYERS.check(all); }

    @Test void cliUsesDesktopOnlyThroughItsEntryClasses() { CLI_USES_DESKTOP_ONLY_THROUGH_ENTRY.check(all); }

    @Test void noJavaFxOutsideDesktop() { NO_JAVAFX_OUTSIDE_DESKTOP.check(all); }

    @Test void noJnaOrLibcOutsideNativeBridge() { NO_NATIVE_OUTSIDE_BRIDGE.check(all); }

    @Test void jacksonOnlyInTheJsonPackage() { JSON_IN_ONE_PACKAGE.check(all); }

    @Test void onlyTheCommandLineWritesStandardStreams() { ONLY_CLI_WRITES_STANDARD_STREAMS.check(all); }

    @Test void noPackageCyclesInCoreAndCli() { NO_CYCLES.check(all.that(resideInAnyPackage(concat(CORE, CLI)))); }

    @Test void noPackageCyclesInBridgeAndModel() { NO_CYCLES.check(all.that(resideInAnyPackage(MODEL, BRIDGE))); }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
