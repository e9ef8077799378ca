package org.criuatlas.ui;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The window's own rules, checked on its compiled classes: its packages form no cycle, and the
 * window reaches the machine only through the host seam (org.criuatlas.host): no scanner, criu
 * session, locator, image reader or libc of the native bridge is called from here (the demo runner,
 * which runs its demo trees as children of this process, excepted).
 */
class DesktopArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.criuatlas.ui");
    }

    @Test
    void packagesOfTheWindowFormNoCycle() {
        slices().matching("org.criuatlas.ui.(**)").should().beFreeOfCycles().check(classes);
        // the root package (the application, the main window and its controllers) sits on top:
        // nothing below it imports it
        noClasses().that().resideOutsideOfPackage("org.criuatlas.ui").should().dependOnClassesThat()
                .resideInAPackage("org.criuatlas.ui").because("org.criuatlas.ui is the top layer (AtlasApp, MainWindow, controllers)")
                .check(classes);
    }

    @Test
    void theWindowReachesTheMachineOnlyThroughTheHost() {
        // the one exception: the demo runner starts, kills and reaps its demo trees as children of this
        // process (demos run on this machine, whichever host the window looks at)
        noClasses().that().doNotHaveFullyQualifiedName("org.criuatlas.ui.demos.DemoRunner")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.criuatlas.bridge.scan.LiveScanner")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.criuatlas.bridge.criu.CriuSession")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.criuatlas.bridge.criu.CriuLocator")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.criuatlas.bridge.criu.LibC")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.criuatlas.bridge.images.ImageReader")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.criuatlas.restore.RestoreRunner")
                // containers: podman runs on the host (Host.container), never from the window itself
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.criuatlas.host.Podman")
                .because("everything the window asks of a machine goes through org.criuatlas.host.Host (a bridge can answer it)")
                .check(classes);
    }
}
