package org.criuatlas.ui;

import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.criuatlas.logging.AtlasLog;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.testing.TestProcs;
import org.criuatlas.ui.theme.Styles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Hosts &gt; Add host… as a person uses it, through the throw-away sshd on 127.0.0.1 ("another host"
 * that is this machine: the protocol and the flow are what this shows): the host opens as a tab of the
 * main window with its own graph (a process started here is seen through the ssh bridge), its status bar
 * names the host and its kernel (uname), the host is remembered (the file) and listed; the tabs switch by
 * a click and the shortcuts act on the tab on show; closing the tab (File &gt; Close host, its close
 * button) ends the bridge on the far side (its process is gone) and leaves this machine's explorer alone;
 * the remembered item connects again. An unreachable host and a destination that is an option say why
 * and open nothing. Screenshots light and dark.
 */
class HostsWindowTest {
    static final Path OUT = Path.of("target", "hosts-window").toAbsolutePath();
    static SshTestHost sshd;
    static String stateWas;
    private final FxRobot robot = new FxRobot();
    private Stage stage;
    private MainWindow main;
    private Process marker;

    @BeforeAll
    static void sshd() throws Exception {
        sshd = SshTestHost.start();
        Files.createDirectories(OUT);
        // the remembered hosts go beside the log: under target/, never the person's own list
        stateWas = System.getProperty(AtlasLog.STATE_DIR_PROPERTY);
        System.setProperty(AtlasLog.STATE_DIR_PROPERTY, OUT.resolve("state").toString());
        Files.deleteIfExists(OUT.resolve("state").resolve("hosts"));
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (stateWas == null) System.clearProperty(AtlasLog.STATE_DIR_PROPERTY);
        else System.setProperty(AtlasLog.STATE_DIR_PROPERTY, stateWas);
        if (sshd != null) sshd.stop();
    }

    @AfterEach
    void close() throws Exception {
        if (marker != null) TestProcs.killAndReap(List.of((int) marker.pid()));
        if (stage == null) return;
        for (javafx.stage.Window w : fx(() -> List.copyOf(javafx.stage.Window.getWindows()))) {
            if (w != stage) fx(() -> w.fireEvent(new WindowEvent(w, WindowEvent.WINDOW_CLOSE_REQUEST)));
            if (w != stage) fx(w::hide);
        }
        if (main != null) main.window().close();
        // the next test's keys go to the focused window: give the focus back to the primary stage that a
        // closed host window had (under Xvfb no window manager does it)
        fx(() -> {
            stage.toFront();
            stage.requestFocus();
        });
        waitUntil(10, stage::isFocused);
        fx(() -> stage.hide());
    }

    @Test
    void addHostOpensItsTabRemembersItAndClosingItEndsTheBridge() throws Exception {
        marker = new ProcessBuilder("sleep", "3600").start();
        int markerPid = (int) marker.pid();
        stage = primaryStage();
        WindowServices services = UiTestSupport.services(OUT.resolve("dumps"));
        main = UiTestSupport.openMain(stage, services, services.host()::scan);
        assertTrue(bridgesOnTheFarSide().isEmpty(), "no bridge runs before: " + bridgesOnTheFarSide());

        clickMenu(stage, "Hosts");
        robot.clickOn("#" + HostsController.ID_ADD);
        waitUntil(10, () -> dialog() != null);
        Stage d = fx(this::dialog);
        robot.clickOn(d.getScene().lookup("#" + AddHostDialog.ID_DEST)).write(SshTestHost.DEST);
        robot.clickOn(d.getScene().lookup("#" + AddHostDialog.ID_CONNECT));
        waitUntil(90, () -> main.hosts().openWindows().containsKey(SshTestHost.DEST) || !labelText(d, AddHostDialog.ID_STATE).startsWith("Connecting"));
        assertTrue(fx(() -> main.hosts().openWindows().containsKey(SshTestHost.DEST)), "the host's window opened: " + dialogText(d));
        waitUntil(10, () -> !d.isShowing());

        MainWindow host = fx(() -> main.hosts().openWindows().get(SshTestHost.DEST));
        // a tab of this window, shown: its explorer is in the scene, this machine's is not
        assertSame(stage, host.window().stage(), "the host opens in a tab of the main window, not a window of its own");
        assertNotNull(fx(() -> main.hosts().tabStrip()), "the tab strip shows");
        assertSame(host, fx(() -> main.hosts().showing()));
        assertEquals("CRIU Atlas \u2014 " + SshTestHost.DEST, fx(stage::getTitle));
        assertSame(stage.getScene(), fx(() -> host.window().view().getScene()));
        assertNull(fx(() -> main.window().view().getScene()), "only the tab on show is in the scene");
        assertNotSame(services.host(), host.services().host(), "the tab works through the ssh bridge, not this process");
        // its graph is the far side's scan: the process started here (same machine) is in it
        waitUntil(90, () -> {
            IpcGraph g = host.window().vm().getGraph();
            return g != null && g.process(markerPid) != null;
        });
        assertEquals("sleep", fx(() -> host.window().vm().getGraph().process(markerPid).comm()));
        // the status bar names the host and what it runs (the kernel as uname says it)
        String kernel = new String(new ProcessBuilder("uname", "-r").start().getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        waitUntil(30, () -> labelText(host.window().view(), Styles.ID_STATUS_HOST).contains("kernel"));
        String hostLine = fx(() -> labelText(host.window().view(), Styles.ID_STATUS_HOST));
        assertTrue(hostLine.startsWith(SshTestHost.DEST) && hostLine.contains("kernel " + kernel) && hostLine.contains("as root"), hostLine);
        assertEquals("", fx(() -> labelText(main.window().view(), Styles.ID_STATUS_HOST)), "this machine's explorer names no host");
        assertTrue(fx(() -> stage.getScene().lookup("#" + Styles.ID_STATUS_HOST).isVisible()));
        List<ProcessHandle> far = bridgesOnTheFarSide();
        assertEquals(1, far.size(), "one bridge runs on the far side: " + far);

        // remembered: the file says so, and every tab's Hosts menu lists it
        Path hosts = OUT.resolve("state").resolve("hosts");
        org.testfx.util.WaitForAsyncUtils.waitFor(10, java.util.concurrent.TimeUnit.SECONDS,
                () -> Files.exists(hosts) && Files.readAllLines(hosts).contains(SshTestHost.DEST));
        assertEquals(SshTestHost.DEST, Files.readAllLines(hosts).get(0));
        waitUntil(10, () -> main.hosts().remembered().contains(SshTestHost.DEST));
        screenshotsLightAndDark(stage, host.services().themes(), "hosts-window");
        clickMenu(stage, "Hosts");
        assertTrue(robot.lookup("#" + HostsController.ID_HOST + SshTestHost.DEST).tryQuery().isPresent(), "the host is listed");
        assertTrue(robot.lookup("#" + HostsController.ID_THIS_MACHINE).tryQuery().isPresent());
        assertTrue(robot.lookup((Labeled l) -> "Demos".equals(l.getText()) && l.getScene() == stage.getScene()).tryQuery().isEmpty(),
                "no demos menu in another host's tab (they start processes here)");
        robot.press(javafx.scene.input.KeyCode.ESCAPE).release(javafx.scene.input.KeyCode.ESCAPE);

        // this machine's tab, clicked: its explorer, menu bar (with Demos) and title; the host's leaves the scene
        robot.clickOn(tab(HostTabs.ID_THIS_MACHINE));
        waitUntil(10, () -> main.hosts().showing() == null);
        assertEquals("CRIU Atlas", fx(stage::getTitle));
        assertSame(stage.getScene(), fx(() -> main.window().view().getScene()));
        assertNull(fx(() -> host.window().view().getScene()));
        assertTrue(robot.lookup((Labeled l) -> "Demos".equals(l.getText()) && l.getScene() == stage.getScene()).tryQuery().isPresent());
        screenshotsLightAndDark(stage, services.themes(), "hosts-tab-this-machine");
        // its Ctrl+O is this machine's again: the folder chooser of this desktop (answered here with no folder)
        java.util.concurrent.atomic.AtomicInteger chooserAsked = new java.util.concurrent.atomic.AtomicInteger();
        main.setDirectoryChooser(owner -> {
            chooserAsked.incrementAndGet();
            return null;
        });
        robot.press(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.O).release(javafx.scene.input.KeyCode.O, javafx.scene.input.KeyCode.CONTROL);
        waitUntil(10, () -> chooserAsked.get() == 1);
        assertTrue(robot.lookup("#" + HostPathPrompt.ID_PATH).tryQuery().isEmpty(), "no host's path prompt from this machine's tab");
        // a dropped folder is this desktop's: this machine's explorer takes it, another host's does not
        assertNotNull(fx(() -> main.window().view().getOnDragOver()), "this machine's explorer takes dropped folders");
        assertNull(fx(() -> host.window().view().getOnDragOver()), "another host's does not: a dropped folder is this desktop's");
        robot.clickOn(tab(HostTabs.ID_TAB + SshTestHost.DEST));
        waitUntil(10, () -> main.hosts().showing() == host);

        // the shortcut acts on the tab on show: Ctrl+O asks for a path on that host (this desktop's file dialog
        // cannot browse another host), not this machine's folder chooser
        main.setDirectoryChooser(owner -> {
            throw new AssertionError("this machine's folder chooser opened from the host's tab");
        });
        robot.press(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.O).release(javafx.scene.input.KeyCode.O, javafx.scene.input.KeyCode.CONTROL);
        waitUntil(10, () -> robot.lookup("#" + HostPathPrompt.ID_PATH).tryQuery().isPresent());
        javafx.scene.control.TextField path = robot.lookup("#" + HostPathPrompt.ID_PATH).queryAs(javafx.scene.control.TextField.class);
        String header = fx(() -> ((javafx.scene.control.DialogPane) path.getScene().getRoot()).getHeaderText());
        assertTrue(header.contains("on " + SshTestHost.DEST), header);
        screenshotsLightAndDark((Stage) fx(() -> path.getScene().getWindow()), host.services().themes(), "hosts-window-open-images-path");
        // and the host reads it: here a folder that is not there, which the far side says
        robot.clickOn(path).write("/nonexistent-atlas/images").push(javafx.scene.input.KeyCode.ENTER);
        waitUntil(60, () -> robot.lookup((Labeled l) -> l.getText() != null && l.getText().contains("/nonexistent-atlas/images")
                && l.getScene() != stage.getScene()).tryQuery().isPresent());
        String said = robot.lookup((Labeled l) -> l.getText() != null && l.getText().contains("/nonexistent-atlas/images")
                && l.getScene() != stage.getScene()).queryAs(Labeled.class).getText();
        System.out.println("host tab, images not there: " + said);
        robot.press(javafx.scene.input.KeyCode.ESCAPE).release(javafx.scene.input.KeyCode.ESCAPE);

        // File > Close host ends its bridge there; this machine's explorer is the window again, without tabs
        clickMenu(stage, "File");
        robot.clickOn("#" + MainWindow.ID_QUIT);
        waitUntil(10, () -> main.hosts().openWindows().isEmpty());
        waitUntil(10, () -> stage.getScene().getRoot() == main.window().view());
        waitUntil(30, () -> far.stream().noneMatch(ProcessHandle::isAlive));
        assertTrue(fx(stage::isShowing), "this machine's window stays open");
        assertNull(fx(() -> main.hosts().tabStrip()));
        assertEquals("CRIU Atlas", fx(stage::getTitle));

        // the remembered item connects again, without asking
        clickMenu(stage, "Hosts");
        robot.clickOn("#" + HostsController.ID_HOST + SshTestHost.DEST);
        waitUntil(90, () -> main.hosts().openWindows().containsKey(SshTestHost.DEST));
        MainWindow again = fx(() -> main.hosts().openWindows().get(SshTestHost.DEST));
        waitUntil(90, () -> again.window().vm().getGraph() != null && again.window().vm().getGraph().process(markerPid) != null);
        List<ProcessHandle> farAgain = bridgesOnTheFarSide();
        assertEquals(1, farAgain.size(), farAgain.toString());
        // the tab's close button takes the same path
        Node tabHeader = tab(HostTabs.ID_TAB + SshTestHost.DEST);
        robot.clickOn(fx(() -> tabHeader.lookup(".tab-close-button")));
        waitUntil(30, () -> main.hosts().openWindows().isEmpty() && farAgain.stream().noneMatch(ProcessHandle::isAlive));
        waitUntil(10, () -> stage.getScene().getRoot() == main.window().view());
    }

    /** The header of the tab {@code id} in the main window (the tab pane gives its header the tab's id). */
    private Node tab(String id) {
        return robot.lookup((Node n) -> id.equals(n.getId()) && n.getScene() == stage.getScene()).query();
    }

    @Test
    void anUnreachableHostSaysWhyAndOpensNothing() throws Exception {
        stage = primaryStage();
        WindowServices services = UiTestSupport.services(OUT.resolve("dumps"));
        main = UiTestSupport.openMain(stage, services, services.host()::scan);
        AddHostDialog d = fx(() -> main.hosts().addHost(null));
        Stage ds = d.stage();
        // an option is never handed to ssh as a destination
        robot.clickOn(ds.getScene().lookup("#" + AddHostDialog.ID_DEST)).write("-oProxyCommand=touch");
        robot.clickOn(ds.getScene().lookup("#" + AddHostDialog.ID_CONNECT));
        assertTrue(fx(d::stateText).contains("cannot start with '-'"), fx(d::stateText));
        assertFalse(fx(d::busy));

        TextField dest = (TextField) ds.getScene().lookup("#" + AddHostDialog.ID_DEST);
        fx(dest::clear);
        robot.clickOn(dest).write("nosuch.invalid");
        robot.clickOn(ds.getScene().lookup("#" + AddHostDialog.ID_CONNECT));
        waitUntil(60, () -> !d.busy());
        String said = fx(d::stateText);
        assertTrue(said.contains("nosuch.invalid") && said.contains("Could not resolve hostname"), said);
        assertTrue(fx(() -> ds.getScene().lookup("#" + AddHostDialog.ID_STATE).getStyleClass().contains(Styles.STATUS_ERROR)));
        assertTrue(fx(() -> main.hosts().openWindows().isEmpty()), "nothing opened");
        assertFalse(fx(() -> main.hosts().remembered().contains("nosuch.invalid")), "a host that never answered is not remembered");
        screenshotsLightAndDark(ds, services.themes(), "hosts-add-unreachable");
        robot.clickOn(ds.getScene().lookup("#" + AddHostDialog.ID_CANCEL));
        waitUntil(10, () -> !ds.isShowing());
    }

    /** Clicks the menu bar's {@code title} in {@code s} (the menu bar of the tab on show). */
    private void clickMenu(Stage s, String title) {
        Node n = robot.from(s.getScene().getRoot()).lookup((Labeled l) -> title.equals(l.getText())).query();
        robot.clickOn(n);
    }

    private static String dialogText(Stage d) throws Exception {
        return fx(() -> labelText(d, AddHostDialog.ID_STATE));
    }

    /** The text of the label {@code id} in {@code s}, "" when there is none; on the FX thread. */
    private static String labelText(Stage s, String id) {
        return labelText(s.getScene().getRoot(), id);
    }

    /** The text of the label {@code id} under {@code root}, "" when there is none; on the FX thread. */
    private static String labelText(Node root, String id) {
        return Optional.ofNullable((Labeled) root.lookup("#" + id)).map(Labeled::getText).orElse("");
    }

    private Stage dialog() {
        return javafx.stage.Window.getWindows().stream()
                .filter(w -> w instanceof Stage s && AddHostDialog.TITLE.equals(s.getTitle()) && s.isShowing())
                .map(Stage.class::cast).findFirst().orElse(null);
    }

    /** Bridges started by the test sshd (its descendants whose command line runs Main with "bridge"). */
    private static List<ProcessHandle> bridgesOnTheFarSide() {
        try {
            return sshd.sessionProcesses().stream()
                    .filter(p -> p.info().commandLine().orElse("").contains("org.criuatlas.Main bridge"))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
