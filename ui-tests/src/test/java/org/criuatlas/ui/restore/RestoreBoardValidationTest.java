package org.criuatlas.ui.restore;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.criuatlas.bridge.images.ImageObligations;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.plan.restore.Destination;
import org.criuatlas.host.LocalHost;
import org.criuatlas.plan.restore.RestoreWiringPlan;
import org.criuatlas.plan.restore.WiringRow;
import org.criuatlas.ui.UiTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.criuatlas.ui.restore.RestoreBoardIds.*;
import static org.junit.jupiter.api.Assertions.*;

/** The wiring board refuses what CRIU would get wrong, driven by clicking and typing like a person. */
class RestoreBoardValidationTest extends FxRobot {
    static final long STREAM = 1001, INTERNAL_A = 1003, INTERNAL_B = 1004, PIPE_IN = 3001;

    Stage stage;
    RestoreBoard board;
    ExecutorService pool;
    final org.criuatlas.ui.theme.Themes themes = new org.criuatlas.ui.theme.Themes();

    @BeforeAll
    static void toolkit() throws Exception {
        UiTestSupport.primaryStage();
    }

    @BeforeEach
    void open() throws Exception {
        pool = Executors.newSingleThreadExecutor();
        RestoreWiringPlan plan = RestoreWiringPlan.of(Path.of("/img"), graph(), ImageObligations.of(graph()));
        FxToolkit.setupStage(s -> {
            stage = s;
            board = RestoreBoard.create(plan, new LocalHost(pool), Path.of("/usr/local/bin/criu"), Platform::runLater, pool);
            s.setScene(themes.style(new Scene((javafx.scene.Parent) board.node(), 1200, 850)));
            s.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.setupFixture(() -> {
            board.model().close();
            stage.hide();
        });
        pool.shutdownNow();
    }

    /** Pid 42 holds a socketpair end whose peer was outside, a pipe read end whose writer was outside, and an internal pair. */
    static IpcGraph graph() {
        List<FdInfo> fds42 = List.of(
                new FdInfo(0, FdKind.PIPE, "pipe:[" + PIPE_IN + "]", PIPE_IN, AccessMode.READ, 0),
                new FdInfo(3, FdKind.SOCKET, "socket:[" + STREAM + "]", STREAM, AccessMode.READ_WRITE, 2),
                new FdInfo(5, FdKind.SOCKET, "socket:[" + INTERNAL_A + "]", INTERNAL_A, AccessMode.READ_WRITE, 2));
        List<FdInfo> fds43 = List.of(new FdInfo(3, FdKind.SOCKET, "socket:[" + INTERNAL_B + "]", INTERNAL_B, AccessMode.READ_WRITE, 2));
        List<ProcessInfo> procs = List.of(
                new ProcessInfo(42, 1, "worker", List.of("worker"), 0, 'S', 42, 42, 0, 0, fds42, true),
                new ProcessInfo(43, 42, "helper", List.of("helper"), 0, 'S', 42, 42, 0, 0, fds43, true));
        List<UnixSocket> socks = List.of(
                new UnixSocket(STREAM, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, 2001, 0, 0, List.of(), List.of(new Holder(42, 3)), false),
                new UnixSocket(2001, SocketType.DGRAM, SocketState.LISTEN, SocketName.NONE, 0, 0, 0, List.of(), List.of(), true),
                new UnixSocket(INTERNAL_A, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, INTERNAL_B, 0, 0, List.of(), List.of(new Holder(42, 5)), false),
                new UnixSocket(INTERNAL_B, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, INTERNAL_A, 0, 0, List.of(), List.of(new Holder(43, 3)), false));
        List<Pipe> pipes = List.of(new Pipe(PIPE_IN, null, List.of(new Holder(42, 0)), List.of(), 0));
        return IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.IMAGES, "/img", Instant.EPOCH, true, 0), procs, socks, pipes, List.of());
    }

    private TextField field(String id) { return lookup("#" + id).queryAs(TextField.class); }

    private Label label(String id) { return lookup("#" + id).queryAs(Label.class); }

    /** Replaces a field's text the way a person does: click, select all, type, Enter. */
    private void retype(String id, String text) {
        clickOn("#" + id);
        push(KeyCode.CONTROL, KeyCode.A);
        write(text);
        push(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private int rowOf(String key) { return board.model().planProperty().get().indexOf(key); }

    @Test
    void anUnknownKeyTypedIntoARowIsRejectedWithAVisibleMessage() {
        int i = rowOf("socket:[" + STREAM + "]");
        RestoreWiringPlan before = board.model().planProperty().get();
        retype(rowKey(i), "socket:[999999]");
        Label msg = label(rowMessage(i));
        assertTrue(msg.isVisible(), "the message shows");
        assertTrue(msg.getText().contains("socket:[999999] rejected") && msg.getText().contains("no object in the image has this key"), msg.getText());
        assertTrue(msg.getStyleClass().contains(STYLE_ERROR));
        assertEquals("socket:[" + STREAM + "]", field(rowKey(i)).getText(), "the field shows the accepted key again");
        assertSame(before, board.model().planProperty().get(), "the plan did not change");
        assertFalse(lookup("#" + CLI_TEXT).queryAs(TextArea.class).getText().contains("999999"));

        // CRIU's --help spelling is refused with the right one suggested
        retype(ADD_KEY, "socket[" + INTERNAL_A + "]");
        assertTrue(label(ADD_KEY_MESSAGE).getText().contains("socket:[" + INTERNAL_A + "]"), label(ADD_KEY_MESSAGE).getText());
        assertEquals(2, board.model().rows().size());

        // a key the image knows is accepted: a new row, a fresh fd, and it appears in the command line
        retype(ADD_KEY, "socket:[" + INTERNAL_A + "]");
        assertEquals("", label(ADD_KEY_MESSAGE).getText());
        assertEquals(3, board.model().rows().size());
        assertTrue(lookup("#" + CLI_TEXT).queryAs(TextArea.class).getText().contains("socket:[" + INTERNAL_A + "]"));

        // fixing the row's typo clears the message
        retype(rowKey(i), "socket:[" + STREAM + "]");
        assertTrue(label(rowMessage(i)).getText().isEmpty() || !label(rowMessage(i)).getText().contains("rejected"));
    }

    @Test
    void anFdClashCannotBeProduced() {
        RestoreWiringPlan p = board.model().planProperty().get();
        int a = rowOf("socket:[" + STREAM + "]"), b = rowOf("pipe:[" + PIPE_IN + "]");
        int fdA = p.rows().get(a).criuFd(), fdB = p.rows().get(b).criuFd();
        assertNotEquals(fdA, fdB);

        retype(rowFd(a), Integer.toString(fdB));
        Label msg = label(rowMessage(a));
        assertTrue(msg.isVisible());
        assertTrue(msg.getText().contains("fd " + fdB + " is already used for pipe:[" + PIPE_IN + "]"), msg.getText());
        assertEquals(Integer.toString(fdA), field(rowFd(a)).getText(), "the clashing number is not kept");
        assertDistinctFds();

        retype(rowFd(a), "3");
        assertTrue(label(rowMessage(a)).getText().contains("talks to criu"), label(rowMessage(a)).getText());
        retype(rowFd(a), "1");
        assertTrue(label(rowMessage(a)).getText().contains("stdout"), label(rowMessage(a)).getText());
        retype(rowFd(a), "ten");
        assertTrue(label(rowMessage(a)).getText().contains("not a number"));
        assertEquals(Integer.toString(fdA), field(rowFd(a)).getText());

        // a free number is taken, shows in the row's --inherit-fd and in the command line
        retype(rowFd(a), "42");
        assertEquals("42", field(rowFd(a)).getText());
        assertFalse(label(rowMessage(a)).getText().contains("rejected") || label(rowMessage(a)).getText().contains("already used"));
        assertTrue(lookup("#" + CLI_TEXT).queryAs(TextArea.class).getText().contains("'fd[42]:socket:[" + STREAM + "]'"));
        // and now the other row cannot take it either
        retype(rowFd(b), "42");
        assertTrue(label(rowMessage(b)).getText().contains("already used for socket:[" + STREAM + "]"));
        assertDistinctFds();
        assertFalse(lookup("#" + RESTORE).queryAs(Button.class).isDisabled(), "the wiring is complete");
    }

    @Test
    void anUnwiredSocketBlocksTheRestoreWithAReason() {
        int a = rowOf("socket:[" + STREAM + "]");
        assertFalse(lookup("#" + RESTORE).queryAs(Button.class).isDisabled(),
                () -> board.model().blockingTextProperty().get() + " / " + board.model().runningProperty().get() + " / " + lookup("#" + RESTORE).queryAll().size());
        choose(rowDestination(a), destinationText(Destination.Kind.NONE));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(lookup("#" + RESTORE).queryAs(Button.class).isDisabled());
        assertTrue(label(BLOCKING).getText().contains("socket:[" + STREAM + "] is not wired"), label(BLOCKING).getText());
        assertTrue(label(rowMessage(a)).getStyleClass().contains(STYLE_ERROR));
        // "reconnected by name" is not even offered for a socketpair end
        clickOn("#" + rowDestination(a));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(lookup(".context-menu").lookup((javafx.scene.control.Labeled l) -> destinationText(Destination.Kind.COMMAND).equals(l.getText())).queryAll().isEmpty(),
                "the menu is open");
        assertTrue(lookup(".context-menu").lookup((javafx.scene.control.Labeled l) -> destinationText(Destination.Kind.RECONNECT).equals(l.getText())).queryAll().isEmpty());
        push(KeyCode.ESCAPE);
        choose(rowDestination(a), destinationText(Destination.Kind.CONSOLE));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(lookup("#" + RESTORE).queryAs(Button.class).isDisabled());
        assertEquals("", label(BLOCKING).getText());
    }

    @Test
    void eachCardReadsAtTheBoardsDefaultSize() throws Exception {
        FxToolkit.setupFixture(() -> {
            stage.setWidth(1100);
            stage.setHeight(800);
        });
        WaitForAsyncUtils.waitForFxEvents();
        int a = rowOf("socket:[" + STREAM + "]");
        javafx.scene.Node card = lookup("#" + rowCard(a)).query();
        ChoiceBox<?> dest = lookup("#" + rowDestination(a)).queryAs(ChoiceBox.class);
        // the chosen destination is shown whole, not cut to "kept i…"
        assertTrue(dest.getWidth() >= dest.prefWidth(-1) - 0.5, dest.getWidth() + " < " + dest.prefWidth(-1));
        assertEquals(destinationText(Destination.Kind.CONSOLE),
                dest.lookupAll(".label").stream().map(n -> ((Label) n).getText()).filter(t -> !t.isEmpty()).findFirst().orElse(""));
        TextField key = field(rowKey(a));
        assertTrue(key.getWidth() < card.getLayoutBounds().getWidth() / 3, "the key field leaves room for the rest: "
                + key.getWidth() + " of " + card.getLayoutBounds().getWidth());
        // a console needs no command or path: the field shows only when it matters
        assertFalse(field(rowArgument(a)).isVisible());
        choose(rowDestination(a), destinationText(Destination.Kind.COMMAND));
        TextField arg = field(rowArgument(a));
        assertTrue(arg.isVisible());
        assertTrue(arg.getWidth() > 200, "room to type a command: " + arg.getWidth());
        assertTrue(arg.getPromptText().startsWith("command line"), arg.getPromptText());
        // the validation message sits inside the card, under the row
        Label msg = label(rowMessage(a));
        assertTrue(msg.isVisible() && msg.getText().contains("name the command"), msg.getText());
        javafx.scene.Node p = msg;
        while (p != null && p != card) p = p.getParent();
        assertSame(card, p, "the message is inside its card");
        // progress and consoles get room below the board
        assertTrue(lookup("#" + TIMELINE).query().getLayoutBounds().getHeight() > 150,
                "progress: " + lookup("#" + TIMELINE).query().getLayoutBounds().getHeight());
        assertTrue(lookup("#" + CONSOLES_EMPTY).query().isVisible());
        // for a person to look at: target/screenshots (ui.screenshots), not the README's pictures
        UiTestSupport.screenshotsLightAndDark(stage, themes, "restore-board-command");
    }

    /** Opens a row's destination menu and clicks an entry in it (not a same-named value elsewhere). */
    private void choose(String choiceId, String text) {
        clickOn("#" + choiceId);
        WaitForAsyncUtils.waitForFxEvents();
        clickOn(lookup(".context-menu").lookup((javafx.scene.control.Labeled l) -> text.equals(l.getText())).queryLabeled());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void assertDistinctFds() {
        Set<Integer> seen = new HashSet<>();
        for (WiringRow r : board.model().planProperty().get().rows()) assertTrue(seen.add(r.criuFd()), "fd " + r.criuFd() + " twice");
    }
}
