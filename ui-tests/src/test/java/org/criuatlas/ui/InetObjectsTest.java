package org.criuatlas.ui;

import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.plan.CriuTarget;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.ScriptProcs;
import org.criuatlas.ui.graph.GraphPaint;
import org.criuatlas.ui.graph.GraphView;
import org.criuatlas.ui.graph.ObjectMarks;
import org.criuatlas.ui.graph.RenderGraph;
import org.criuatlas.ui.graph.SelectedItem;
import org.criuatlas.ui.graph.Viewport;
import org.criuatlas.ui.plan.Verdict;
import org.criuatlas.ui.theme.Styles;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.criuatlas.ui.UiTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The window sees every object, on real processes: {@code app} listens on TCP and binds UDP; its
 * child {@code worker} is connected over TCP to {@code app} (a local peer edge inside the tree) and
 * to {@code svc}, a listener outside the tree; it has a UDP socket connected to an address no socket
 * of this host has (a remote endpoint node), holds a flock and a SysV shared-memory segment.
 * Checked in the view model the window draws (edges, nodes, badges, against {@code ss -tanp}), in
 * the hover card as a person reads it, and with a plan: the TCP edge to {@code svc} is drawn failing,
 * the hover says the lock blocks the dump, "Only what blocks this dump" hides the rest and gives the
 * place back when turned off, and a change of basis re-plans the plan on screen.
 */
class InetObjectsTest {
    // InetObjectsScreenshotTest runs this same test on a real X server and saves the screenshots
    private final FxRobot robot = new FxRobot();
    static final Path DIR = Path.of("target", "inet-objects-test");

    static final String SVC = """
            import socket
            s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
            print('port', s.getsockname()[1], flush=True)
            print('ready', flush=True)
            kept = []
            while True:
                c, _ = s.accept(); kept.append(c)
            """;

    static final String APP = """
            import os, sys, socket, time, fcntl, ctypes
            svc_port, lock_path = int(sys.argv[1]), sys.argv[2]
            l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))
            port = l.getsockname()[1]
            r, w = os.pipe()
            if os.fork() == 0:
                os.close(r); l.close(); u.close()
                c1 = socket.create_connection(('127.0.0.1', port))
                c2 = socket.create_connection(('127.0.0.1', svc_port))
                far = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                try:
                    far.connect(('198.51.100.7', 9))     # TEST-NET-2: connect() on UDP sends nothing
                except OSError:
                    far.connect(('127.0.0.1', 9))        # no route: a port nothing of this host has bound
                f = open(lock_path, 'w'); fcntl.flock(f, fcntl.LOCK_EX)
                libc = ctypes.CDLL(None, use_errno=True)
                libc.shmat.restype = ctypes.c_void_p
                shmid = libc.shmget(0, 4096, 0o1600)
                libc.shmat(shmid, None, 0)
                libc.shmctl(shmid, 0, None)              # IPC_RMID: goes away with the worker
                print('worker', os.getpid(), flush=True)
                print('shmid', shmid, flush=True)
                print('c2', c2.getsockname()[1], flush=True)
                print('remote', '%s:%d' % far.getpeername(), flush=True)
                os.write(w, b'x'); os.close(w)
                while True: time.sleep(1)
            os.close(w)
            a, _ = l.accept()
            os.read(r, 1); os.close(r)
            print('port', port, flush=True)
            print('udp', u.getsockname()[1], flush=True)
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    @Test
    void tcpEdgesRemoteEndpointsBadgesAndTheBlockingFilterOnRealProcesses() throws Exception {
        Files.createDirectories(DIR);
        Path lock = DIR.resolve("worker.lock").toAbsolutePath();
        AtlasApp.Window window = null;
        CriuTarget targetBefore = DumpPlanner.defaultTarget();
        try (ScriptProcs svc = ScriptProcs.start(DIR, "svc", SVC);
             ScriptProcs app = ScriptProcs.start(DIR, "app", APP, svc.value("port"), lock.toString());
             LiveScanner scanner = new LiveScanner()) {
            int appPid = app.pid(), worker = app.intValue("worker"), svcPid = svc.pid();
            int appPort = app.intValue("port"), udpPort = app.intValue("udp"), svcPort = svc.intValue("port");
            int c2 = app.intValue("c2");
            String remote = app.value("remote");
            window = UiTestSupport.open(scanner::scan);
            AtlasApp.Window w = window;
            waitUntil(30, () -> w.vm().getGraph() != null && w.vm().getGraph().process(worker) != null);
            GraphView graph = robot.lookup("#" + Styles.ID_GRAPH).queryAs(GraphView.class);
            // on a real X server the first window of a run may take a moment to be mapped and take the keyboard
            waitUntil(15, () -> w.stage().isShowing() && w.stage().isFocused());
            javafx.scene.control.TextField search = robot.lookup("#" + Styles.ID_SEARCH).queryAs(javafx.scene.control.TextField.class);
            robot.clickOn(search).write(Integer.toString(worker));
            waitUntil(5, () -> search.getText().equals(Integer.toString(worker)));
            robot.type(KeyCode.ENTER);
            waitUntil(10, () -> SelectedItem.process(worker).equals(w.vm().getSelection()));
            RenderGraph g = fx(graph::getRender);

            // TCP peer edges: worker-app inside the tree, worker-svc to the listener outside it; both ends as ss shows them
            int toApp = edge(g, worker, appPid, RenderGraph.TCP), toSvc = edge(g, worker, svcPid, RenderGraph.TCP);
            assertTrue(toApp >= 0, "a TCP peer edge between worker and app");
            assertTrue(toSvc >= 0, "a TCP peer edge between worker and svc");
            String ssLine = ss("-tanpH").stream().filter(l -> l.contains("pid=" + worker + ",") && l.contains("127.0.0.1:" + c2 + " "))
                    .findFirst().orElseThrow(() -> new AssertionError("ss lists the worker's connection to svc"));
            String[] col = ssLine.trim().split("\\s+");
            assertEquals("ESTAB", col[0], ssLine);
            assertTrue(g.info[toSvc].contains(col[3] + " -> " + col[4] + " ESTAB"), g.info[toSvc] + " vs ss: " + ssLine);
            assertEquals("127.0.0.1:" + svcPort, col[4]);
            assertEquals("tcp :" + svcPort, g.name[toSvc], "the edge is labelled with the server's port");

            // the UDP socket connected to no socket of this host: a remote endpoint node beside the worker
            int far = -1;
            for (int i = 0; i < g.nodeCount; i++) if (g.kind[i] == RenderGraph.REMOTE && g.label[i].equals("udp " + remote)) far = i;
            assertTrue(far >= 0, "a remote node 'udp " + remote + "'");
            assertEquals(g.indexOf(worker), g.anchor[far]);
            assertTrue(edge(g, worker, g.pid[far], RenderGraph.UDP) >= 0, "joined to the worker by a UDP edge");

            // badges: app listens (tcp and udp), the worker holds a lock and a SysV segment
            int ai = g.indexOf(appPid), wi = g.indexOf(worker);
            assertEquals(ObjectMarks.LISTEN, g.marks[ai] & ObjectMarks.LISTEN);
            assertTrue(g.markText[ai].contains("listens on tcp 127.0.0.1:" + appPort) && g.markText[ai].contains("bound to udp 127.0.0.1:" + udpPort),
                    g.markText[ai]);
            assertEquals(ObjectMarks.LOCK | ObjectMarks.IPC, g.marks[wi] & (ObjectMarks.LOCK | ObjectMarks.IPC));
            assertTrue(g.markText[wi].contains("flock write lock on " + lock), g.markText[wi]);
            assertTrue(g.markText[wi].contains("SysV shared memory id " + app.value("shmid") + " attached"), g.markText[wi]);
            // as a person reads it: the hover card over the worker
            robot.moveTo(onGraph(graph, worker));
            Label hover = robot.lookup("#" + Styles.ID_HOVER).queryAs(Label.class);
            waitUntil(5, () -> hover.isVisible() && hover.getText().contains("file lock: flock write lock on " + lock));

            // plan app's subtree: the TCP edge to svc fails, the lock is said to block the dump
            robot.clickOn(onGraph(graph, appPid), MouseButton.SECONDARY);
            robot.clickOn("#" + Styles.ID_MENU_PLAN);
            waitUntil(5, () -> w.vm().plan().getOutcome() != null && w.vm().plan().getOutcome().rootPid() == appPid);
            assertEquals(Verdict.FAIL, w.vm().plan().getOutcome().verdict());
            waitUntil(5, () -> markOfEdge(graph, worker, svcPid) == GraphPaint.E_FAIL);
            assertTrue(w.vm().plan().getOutcome().objects().stream().anyMatch(o -> o.source().kind().equals("tcp-client-listener-outside")
                    && o.source().pid() == worker && o.verdict() == Verdict.FAIL), w.vm().plan().getOutcome().objects().toString());
            Label verdict = robot.lookup("#" + Styles.ID_PLAN_VERDICT).queryAs(Label.class);
            assertTrue(verdict.getText().startsWith("Dump will fail") && verdict.getText().contains("object"), verdict.getText());
            robot.moveTo(onGraph(graph, appPid)).moveTo(onGraph(graph, worker));
            waitUntil(5, () -> hover.isVisible() && hover.getText().contains("blocks the dump: file-lock-flock"));

            // the plan's basis follows a change of basis (another CRIU, a calibration), without planning again by hand
            Label basis = robot.lookup("#" + Styles.ID_PLAN_BASIS).queryAs(Label.class);
            String basisBefore = basis.getText();
            CriuTarget other = CriuTarget.of("9.8.7", "6.6.6-test", org.criuatlas.model.Namespaces.UNKNOWN);
            fx(() -> {
                DumpPlanner.setDefaultTarget(other);
                w.vm().criuBasisProperty().set("rules for CRIU 9.8.7 (test)");
            });
            waitUntil(5, () -> basis.getText().equals("verdicts: " + other.describe()));
            assertNotEquals(basisBefore, basis.getText());
            fx(() -> {
                DumpPlanner.setDefaultTarget(targetBefore);
                w.vm().criuBasisProperty().set("");
            });

            // only what blocks this dump: the JVM running this test (no part of it) is hidden, app, worker and svc stay
            robot.doubleClickOn(onGraph(graph, appPid));          // a person focuses the planned subtree first
            waitUntil(5, () -> SelectedItem.process(appPid).equals(w.vm().getSelection()));
            robot.moveTo("#" + Styles.ID_PLAN_VERDICT);           // the hover card off the graph for the pictures
            waitUntil(5, () -> !hover.isVisible());
            Viewport place = fx(graph::getViewport);
            int jvm = (int) ProcessHandle.current().pid();
            int ji = g.indexOf(jvm);
            screenshotsLightAndDark(w.stage(), w.view().themesForTests(), "inet-plan-filter-off");
            robot.clickOn("#" + Styles.ID_ONLY_BLOCKING);
            waitUntil(5, () -> graph.overview().filtered() && !graph.framePending());
            RenderGraph now = fx(graph::getRender);
            for (int pid : List.of(appPid, worker, svcPid)) assertTrue(graph.overview().shown(now.indexOf(pid)), "pid " + pid + " is shown");
            if (ji >= 0) assertFalse(graph.overview().shown(now.indexOf(jvm)), "the test's JVM is hidden");
            int hidden = 0;
            for (int i = 0; i < now.nodeCount; i++) if (!graph.overview().shown(i)) hidden++;
            assertTrue(hidden > 0, "something is hidden");
            screenshotsLightAndDark(w.stage(), w.view().themesForTests(), "inet-plan-filter-on");
            robot.clickOn("#" + Styles.ID_ONLY_BLOCKING);
            waitUntil(5, () -> !graph.overview().filtered());
            assertEquals(place, fx(graph::getViewport), "turned off, the view is where it was");
            assertFalse(robot.lookup("#" + Styles.ID_ONLY_BLOCKING).queryAs(CheckBox.class).isSelected());
        } finally {
            fx(() -> DumpPlanner.setDefaultTarget(targetBefore));
            UiTestSupport.close(window);
        }
    }

    /** The edge of {@code type} between two pids, -1 when there is none. */
    static int edge(RenderGraph g, int a, int b, byte type) {
        for (int e = 0; e < g.edgeCount; e++) {
            if (g.type[e] != type) continue;
            int pa = g.pid[g.from[e]], pb = g.pid[g.to[e]];
            if ((pa == a && pb == b) || (pa == b && pb == a)) return e;
        }
        return -1;
    }

    /** The lines of {@code ss ARGS}. */
    static List<String> ss(String args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", args).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>(List.of(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        assertEquals(0, p.waitFor(), String.join("\n", out));
        return out;
    }
}
