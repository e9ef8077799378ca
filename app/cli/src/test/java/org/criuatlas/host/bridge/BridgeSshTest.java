package org.criuatlas.host.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.scan.LiveScanner;
import org.criuatlas.cli.CliRun;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A remote host through OpenSSH: the sshd of scripts/setup-sshd.sh on 127.0.0.1 (its own port and
 * throw-away keys), so the "remote" host is this machine: the protocol and the flow are what this
 * proves. {@code scan --host} through it equals a local scan apart from the ssh processes.
 */
class BridgeSshTest {
    static Path sshConfig;

    @BeforeAll
    static void sshd() throws Exception {
        Requirements.requireRoot();
        Path repo = Path.of(System.getProperty("criuatlas.repo", "../..")).toAbsolutePath().normalize();
        Path state = Path.of("target", "sshd").toAbsolutePath();
        // idempotent: scripts/test.sh starts it first; started here too when the test runs alone
        Process p = new ProcessBuilder("bash", repo.resolve("scripts/setup-sshd.sh").toString(), state.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Requirements.require(p.exitValue() == 0, "scripts/setup-sshd.sh could not start sshd: " + out);
        sshConfig = state.resolve("ssh_config");
        assertTrue(Files.isRegularFile(sshConfig), out);
        System.setProperty("criuatlas.ssh.options", "-F " + sshConfig);
        System.setProperty("criuatlas.remote.command", BridgeProcesses.commandLine());
    }

    @AfterEach
    void clear() {
        // nothing per test
    }

    @Test
    void scanThroughSshEqualsTheLocalScanApartFromSsh() throws Exception {
        // processes of our own, so that the comparison is real on a machine (or a container) that runs little else
        List<Process> own = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) own.add(new ProcessBuilder("sleep", "300").start());
            scanThroughSsh(own);
        } finally {
            for (Process p : own) p.destroyForcibly();
        }
    }

    private void scanThroughSsh(List<Process> own) throws Exception {
        Map<Integer, ProcessInfo> before = scanLocal();
        CliRun.Result remote = CliRun.run("scan", "--host", "atlas-test", "--json");
        Map<Integer, ProcessInfo> after = scanLocal();
        assertEquals(0, remote.exit(), remote.err());
        JsonNode procs = new ObjectMapper().readTree(remote.out()).get("processes");
        Map<Integer, JsonNode> r = new HashMap<>();
        for (JsonNode p : procs) r.put(p.get("pid").asInt(), p);

        // every process that ran before and after the remote scan is in it, the same
        int stable = 0;
        for (ProcessInfo p : before.values()) {
            ProcessInfo q = after.get(p.pid());
            if (q == null || !q.comm().equals(p.comm()) || !q.cmdline().equals(p.cmdline())) continue;
            JsonNode x = r.get(p.pid());
            assertNotNull(x, "pid " + p.pid() + " (" + p.comm() + ") ran before and after the remote scan but is not in it");
            // kernel workers rename themselves by what they work on (kworker/0:1-events, -rcu_gp)
            if (p.ppid() != 2) assertEquals(p.comm(), x.get("comm").asText());
            assertEquals(p.ppid(), x.get("ppid").asInt());
            assertEquals(p.uid(), x.get("uid").asInt());
            stable++;
        }
        // what the remote scan has that the local one before it had not: the ssh chain (sshd, the bridge), or what came and went
        Set<Integer> extra = new HashSet<>(r.keySet());
        extra.removeAll(before.keySet());
        List<String> extraComms = extra.stream().map(p -> r.get(p).get("comm").asText()).sorted().toList();
        assertTrue(extraComms.contains("sshd") || extraComms.stream().anyMatch(c -> c.startsWith("sshd")),
                "the remote scan sees the sshd session that serves it: " + extraComms);
        assertTrue(extraComms.contains("java"), "and the bridge: " + extraComms);
        System.err.printf("BridgeSshTest: %d processes through ssh, %d stable ones equal to the local scan; only remote: %s%n",
                r.size(), stable, extraComms);
        for (Process p : own) assertNotNull(r.get((int) p.pid()), "our sleep " + p.pid() + " is in the remote scan");
        assertTrue(stable > 10, "a real comparison: " + stable);
    }

    @Test
    void planThroughSshEqualsTheLocalPlan() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            String pid = Long.toString(sleeper.pid());
            CliRun.Result local = CliRun.run("plan", "--pid", pid, "--json");
            CliRun.Result remote = CliRun.run("plan", "--host", "atlas-test", "--pid", pid, "--json");
            assertEquals(local.exit(), remote.exit(), remote.err());
            JsonNode l = new ObjectMapper().readTree(local.out()), r = new ObjectMapper().readTree(remote.out());
            assertEquals(l.findValuesAsText("pid"), r.findValuesAsText("pid"), "the same processes in the plan");
            assertEquals(l.findValues("willSucceed"), r.findValues("willSucceed"));
            CliRun.Result none = CliRun.run("plan", "--host", "atlas-test", "--pid", "4000000");
            assertEquals(4, none.exit(), none.err());
            assertTrue(none.err().contains("on atlas-test"), none.err());
        } finally {
            sleeper.destroy();
        }
    }

    @Test
    void checkThroughSshNamesTheRemoteCriu() throws Exception {
        CliRun.Result r = CliRun.run("check", "--host", "atlas-test", "--json");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("atlas-test", j.get("host").asText());
        assertEquals(0, j.get("uid").asInt());
        if (j.get("criu").isNull()) assertEquals(7, r.exit(), r.err());
        else assertEquals(j.get("checkOk").asBoolean() ? 0 : 1, r.exit(), r.out() + r.err());
    }

    @Test
    void aMissingCriuAtlasOnTheRemoteIsExitNineWithWhatToInstall() {
        System.setProperty("criuatlas.remote.command", "criu-atlas-not-installed-here bridge");
        try {
            CliRun.Result r = CliRun.run("scan", "--host", "atlas-test");
            assertEquals(9, r.exit(), r.err());
            assertTrue(r.err().contains("criu-atlas is not installed on atlas-test"), r.err());
            CliRun.Result unreachable = CliRun.run("scan", "--host", "nobody@127.0.0.1:1");
            assertEquals(9, unreachable.exit(), unreachable.err());
            CliRun.Result option = CliRun.run("scan", "--host", "-oProxyCommand=touch /tmp/x");
            assertEquals(2, option.exit(), option.err());
        } finally {
            System.setProperty("criuatlas.remote.command", BridgeProcesses.commandLine());
        }
    }

    static Map<Integer, ProcessInfo> scanLocal() {
        try (LiveScanner s = new LiveScanner()) {
            IpcGraph g = s.scan();
            return new HashMap<>(g.processes());
        }
    }
}
