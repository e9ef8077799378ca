package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.criu.NetworkTools;
import org.criuatlas.bridge.criu.log.CriuErrorKind;
import org.criuatlas.bridge.os.Processes;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.CriuTarget;
import org.criuatlas.plan.Decisions;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.DumpPlanner;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The plan's object options on the command line, against real CRIU: a TCP server whose client is
 * outside the dump (both in sessions of their own). {@code plan} says the dump fails with CRIU's
 * exact line and {@code dump} fails with that line; with {@code --tcp-established} or
 * {@code --tcp-close} the plan says it dumps and the dump with the same flag succeeds
 * ({@code --leave-running}: the server keeps serving). The connection is checked with {@code ss}.
 * CRIU locks the connection with {@code iptables} for {@code --tcp-established}: where CRIU does not
 * find it, the plan and the real dump both fail with "Iptables configuration failed"; the same scan
 * planned for a machine without it says so in any case.
 */
@Tag("criu")
class TcpPlanDumpCriuTest {
    private static final String TCP_LINE = "inet: Connected TCP socket, consider using --tcp-established option.";
    private static final String LOCK_LINE = "Iptables configuration failed";
    private Path tmp;
    private final List<Integer> started = new ArrayList<>();

    @BeforeEach
    void folder() throws Exception {
        tmp = Path.of("target", "tcp-plan-dump").toAbsolutePath();
        if (Files.exists(tmp)) try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Files.createDirectories(tmp);
    }

    @AfterEach
    void stop() {
        for (int pid : started) {
            Processes.signal(pid, Processes.Signal.KILL);
            Processes.awaitEnd(pid, Duration.ofSeconds(10));
        }
    }

    /** {@code python3 -c CODE ARGS} in a session of its own; its pid (written by the shell that becomes it). */
    private int python(String name, String code, String... args) throws Exception {
        Path pidFile = tmp.resolve(name + ".pid");
        StringBuilder cmd = new StringBuilder("echo $$ > '" + pidFile + "'; exec python3 -c \"$0\"");
        for (String a : args) cmd.append(" '").append(a).append("'");
        cmd.append(" </dev/null >/dev/null 2>&1");
        Process p = new ProcessBuilder("setsid", "-f", "sh", "-c", cmd.toString(), code).start();
        assertEquals(0, p.waitFor());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        int pid = Integer.parseInt(Files.readString(pidFile).trim());
        started.add(pid);
        return pid;
    }

    @Test
    void planAndDumpAgreeOnATcpServerWithItsClientOutside() throws Exception {
        Requirements.requireCriu();
        Path portFile = tmp.resolve("port");
        int server = python("server", String.join("\n",
                "import socket, sys",
                "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(4)",
                "open(sys.argv[1] + '.tmp', 'w').write(str(s.getsockname()[1]))",
                "import os; os.rename(sys.argv[1] + '.tmp', sys.argv[1])",
                "held = []",
                "while True: held.append(s.accept()[0])"), portFile.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(portFile));
        String port = Files.readString(portFile).trim();
        int client = python("client", String.join("\n",
                "import socket, sys, time",
                "c = socket.create_connection(('127.0.0.1', int(sys.argv[1])))",
                "while True: time.sleep(60)"), port);
        // the kernel's own view, through ss: the server holds an established connection from the client
        await().atMost(Duration.ofSeconds(10)).until(() -> ss().contains("pid=" + server + ",") && ss().contains("pid=" + client + ","));
        assertTrue(ss().lines().anyMatch(l -> l.startsWith("ESTAB") && l.contains("127.0.0.1:" + port + " ") && l.contains("pid=" + server + ",")),
                ss());

        CliRun.Result plain = CliRun.run("plan", "--pid", "" + server, "--json");
        assertEquals(ExitCode.CHECK_SAYS_NO.code, plain.exit(), plain.out() + plain.err());
        JsonNode plan = new ObjectMapper().readTree(plain.out());
        assertTrue(plan.toString().contains(TCP_LINE), "the plan names CRIU's line: " + plain.out());
        JsonNode tcp = null;
        for (JsonNode o : plan.get("plans").get(0).get("objects"))
            if (o.get("kind").asText().equals("tcp-established-peer-outside") && o.get("pid").asInt() == server) tcp = o;
        assertNotNull(tcp, "the plan's objects name the server's connection: " + plan.get("plans").get(0).get("objects"));
        assertEquals("DUMP_FAILS", tcp.get("withoutHelp").get("outcome").asText());
        assertEquals("TCP_CONNECTED", tcp.get("withoutHelp").get("error").get("kind").asText());
        assertFalse(plan.get("plans").get(0).get("basis").asText().isBlank(), "the plan says what it is based on");

        CliRun.Result failed = CliRun.run("dump", "--pid", "" + server, "--images", tmp.resolve("d0").toString(), "--leave-running");
        assertEquals(ExitCode.CRIU_FAILED.code, failed.exit(), failed.out() + failed.err());
        assertTrue((failed.out() + failed.err()).contains(TCP_LINE), "CRIU printed the planned line: " + failed.out() + failed.err());
        assertTrue(org.criuatlas.bridge.proc.LiveProcesses.exists(server), "a failed dump leaves the server running");

        // CRIU locks the connection with iptables for --tcp-established: the plan knows whether CRIU finds it here
        boolean lockable = !NetworkTools.missing().contains(NetworkTools.IPTABLES);
        if (!lockable) {
            CliRun.Result p = CliRun.run("plan", "--pid", "" + server, "--tcp-established");
            assertEquals(ExitCode.CHECK_SAYS_NO.code, p.exit(), "no iptables here: " + p.out() + p.err());
            assertTrue(p.out().contains(LOCK_LINE), "the plan names the lock failure: " + p.out());
            CliRun.Result d = CliRun.run("dump", "--pid", "" + server, "--images", tmp.resolve("d-nolock").toString(),
                    "--leave-running", "--tcp-established");
            assertEquals(ExitCode.CRIU_FAILED.code, d.exit(), d.out() + d.err());
            assertTrue((d.out() + d.err()).contains(LOCK_LINE), "CRIU failed as planned: " + d.out() + d.err());
            assertTrue(org.criuatlas.bridge.proc.LiveProcesses.exists(server), "a failed dump leaves the server running");
        }
        // the same real connection planned for a machine without the iptables tools, whatever this one has
        try (LiveScanner sc = new LiveScanner()) {
            IpcGraph g = sc.scan();
            CriuTarget none = CriuTarget.detect().withMissingTools(Set.of(NetworkTools.IPTABLES, NetworkTools.IP6TABLES,
                    NetworkTools.IPTABLES_RESTORE, NetworkTools.IP6TABLES_RESTORE));
            DumpPlan np = DumpPlanner.plan(g, server, Decisions.NONE.withTcpEstablished(true), pid -> true, none);
            assertEquals(CriuErrorKind.TCP_LOCK_FAILED, np.firstError().kind(), np::toString);
            DumpPlan closed = DumpPlanner.plan(g, server, Decisions.NONE.withTcpClose(true), pid -> true, none);
            assertTrue(closed.willSucceed(), () -> "--tcp-close needs no lock: " + closed);
        }

        for (String flag : lockable ? List.of("--tcp-established", "--tcp-close") : List.of("--tcp-close")) {
            CliRun.Result p = CliRun.run("plan", "--pid", "" + server, flag);
            assertEquals(ExitCode.OK.code, p.exit(), flag + ": " + p.out() + p.err());
            assertTrue(p.out().contains("criu dump -t " + server) && p.out().contains(flag), "the command carries " + flag + ": " + p.out());
            Path images = tmp.resolve("d" + flag.substring(2));
            CliRun.Result d = CliRun.run("dump", "--pid", "" + server, "--images", images.toString(), "--leave-running", flag);
            assertEquals(ExitCode.OK.code, d.exit(), flag + ": " + d.out() + d.err());
            assertTrue(Files.isRegularFile(images.resolve("inventory.img")), "images written with " + flag);
            assertTrue(org.criuatlas.bridge.proc.LiveProcesses.exists(server), "--leave-running: the server still runs after the dump with " + flag);
        }
    }

    private static String ss() throws Exception {
        Process p = new ProcessBuilder("ss", "-tanpH").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
