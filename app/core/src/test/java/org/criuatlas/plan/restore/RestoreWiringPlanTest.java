package org.criuatlas.plan.restore;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.criuatlas.plan.restore.WiringFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class RestoreWiringPlanTest {
    private static final Path CRIU = Path.of("/opt/criu/bin/criu");

    @Test
    void oneRowPerObligationWithTheRightReplacementAndDefaults() {
        RestoreWiringPlan p = plan();
        assertEquals(List.of("pipe:[3001]", "socket:[1001]", "socket:[1002]", "socket:[1005]"),
                p.rows().stream().map(WiringRow::key).sorted().toList(), "internal objects get no row");
        WiringRow stream = p.rows().get(p.indexOf("socket:[1001]"));
        assertEquals(Replacement.socketpair(SocketType.STREAM), stream.replacement());
        assertEquals(Destination.Kind.CONSOLE, stream.destination().kind());
        assertFalse(stream.peerNamed());
        assertTrue(stream.object().contains("stream socket held by pid 42 at fd 3"), stream.object());
        assertTrue(stream.object().contains("no name") && stream.object().contains("outside"), stream.object());

        WiringRow dgram = p.rows().get(p.indexOf("socket:[1002]"));
        assertEquals(SocketType.DGRAM, dgram.replacement().socketType());
        assertTrue(dgram.peerNamed());
        assertEquals(Destination.Kind.RECONNECT, dgram.destination().kind(), "a dgram client of a named peer reconnects by default");
        assertTrue(dgram.object().contains("/dev/log"), dgram.object());

        WiringRow seq = p.rows().get(p.indexOf("socket:[1005]"));
        assertEquals(SocketType.SEQPACKET, seq.replacement().socketType());
        assertEquals(Destination.Kind.CONSOLE, seq.destination().kind(), "a connection-oriented socket is inherited by default");

        WiringRow pipe = p.rows().get(p.indexOf("pipe:[3001]"));
        assertTrue(pipe.replacement().isPipe());
        assertTrue(pipe.replacement().criuGetsReadEnd(), "the dumped end was the read end");
        assertTrue(pipe.replacement().ourEndWrites());
        assertFalse(pipe.replacement().ourEndReads());
        assertTrue(pipe.object().contains("read end of a pipe held by pid 42 at fd 0"), pipe.object());
        assertFalse(p.blocked(), () -> p.blockingReasons().toString());
    }

    @Test
    void fdsStartAtTenAndNeverClash() {
        RestoreWiringPlan p = plan();
        Set<Integer> fds = new HashSet<>();
        for (WiringRow r : p.rows()) {
            assertTrue(r.criuFd() >= RestoreWiringPlan.FIRST_FD, r.toString());
            assertTrue(fds.add(r.criuFd()), "unique " + r.criuFd());
        }
        int other = p.rows().get(1).criuFd();
        RestoreWiringPlan.Edit e = p.withCriuFd(0, other);
        assertFalse(e.accepted());
        assertTrue(e.rejection().contains("already used for " + p.rows().get(1).key()), e.rejection());
        assertSame(p, e.plan(), "a refused edit leaves the plan as it was");
        for (int reserved : new int[] {0, 1, 2, 3}) assertFalse(p.withCriuFd(0, reserved).accepted(), "fd " + reserved);
        assertTrue(p.withCriuFd(0, 3).rejection().contains("talks to criu"));
        assertFalse(p.withCriuFd(0, 1024).accepted());
        assertFalse(p.withCriuFd(0, "12x").accepted());
        assertFalse(p.withCriuFd(0, "").accepted());
        RestoreWiringPlan.Edit ok = p.withCriuFd(0, " 40 ");
        assertTrue(ok.accepted(), ok.rejection());
        assertEquals(40, ok.plan().rows().get(0).criuFd());
        assertTrue(ok.plan().withCriuFd(0, 40).accepted(), "its own number is no clash");
        // a new row gets the lowest number from 10 up that no row uses
        RestoreWiringPlan added = ok.plan().addRow("socket:[1003]").plan();
        Set<Integer> before = new HashSet<>();
        ok.plan().rows().forEach(r -> before.add(r.criuFd()));
        int expected = 10;
        while (before.contains(expected)) expected++;
        assertEquals(expected, added.rows().get(added.rows().size() - 1).criuFd());
        Set<Integer> after = new HashSet<>();
        for (WiringRow r : added.rows()) assertTrue(after.add(r.criuFd()));
    }

    @Test
    void unknownOrMisspelledKeysAreRejected() {
        RestoreWiringPlan p = plan();
        RestoreWiringPlan.Edit e = p.withKey(0, "socket:[999999]");
        assertFalse(e.accepted());
        assertTrue(e.rejection().contains("no object in the image has this key"), e.rejection());
        RestoreWiringPlan.Edit spelled = p.addRow("socket[1003]");
        assertFalse(spelled.accepted());
        assertTrue(spelled.rejection().contains("socket:[1003]"), "suggests CRIU's spelling: " + spelled.rejection());
        RestoreWiringPlan.Edit twice = p.addRow(p.rows().get(0).key());
        assertFalse(twice.accepted());
        assertTrue(twice.rejection().contains("already has a row"), twice.rejection());
        RestoreWiringPlan.Edit file = p.addRow("var/log/app.log");
        assertFalse(file.accepted(), "a regular file is in the image but cannot be wired with a socketpair/pipe");
        assertTrue(file.rejection().contains("sockets") && file.rejection().contains("pipes"), file.rejection());
        assertFalse(p.addRow("").accepted());
        assertFalse(p.addRow("garbage").accepted());
    }

    @Test
    void anExtraKeyKnownToTheImageIsAcceptedWithAWarning() {
        RestoreWiringPlan.Edit e = plan().addRow("socket:[1003]");
        assertTrue(e.accepted(), e.rejection());
        RestoreWiringPlan p = e.plan();
        int i = p.indexOf("socket:[1003]");
        assertFalse(p.rows().get(i).obligation());
        assertTrue(p.problems(i).stream().anyMatch(x -> !x.blocks() && x.message().contains("does not need")));
        assertFalse(p.blocked());
        RestoreWiringPlan.Edit pipe = p.addRow("pipe:[3002]");
        assertTrue(pipe.accepted(), pipe.rejection());
        assertFalse(pipe.plan().rows().get(pipe.plan().indexOf("pipe:[3002]")).replacement().criuGetsReadEnd(),
                "both ends in the dump: the row wires the write end the first holder had");
    }

    @Test
    void retargetingARowLeavesItsObligationUnwiredAndThatBlocks() {
        RestoreWiringPlan p = plan();
        int i = p.indexOf("socket:[1001]");
        RestoreWiringPlan.Edit e = p.withKey(i, "socket:[1003]");
        assertTrue(e.accepted(), e.rejection());
        assertTrue(e.plan().blocked());
        assertTrue(e.plan().blockingReasons().stream().anyMatch(s -> s.contains("socket:[1001] is not wired")), e.plan().blockingReasons().toString());
        assertEquals(p.rows().get(i).criuFd(), e.plan().rows().get(i).criuFd(), "the row keeps its fd");
    }

    @Test
    void requiredObligationUnwiredBlocksWithAReasonPipeOnlyWarns() {
        RestoreWiringPlan p = plan();
        RestoreWiringPlan none = p.withDestination(p.indexOf("socket:[1001]"), Destination.none()).plan();
        assertTrue(none.blocked());
        assertTrue(none.blockingReasons().get(0).contains("External socket found in image"), none.blockingReasons().toString());
        RestoreWiringPlan removed = p.removeRow(p.indexOf("socket:[1005]"));
        assertTrue(removed.blocked());
        RestoreWiringPlan pipeNone = p.withDestination(p.indexOf("pipe:[3001]"), Destination.none()).plan();
        assertFalse(pipeNone.blocked());
        assertTrue(pipeNone.problems().stream().anyMatch(x -> x.message().contains("end-of-file")));
        assertTrue(pipeNone.options().inheritFds().stream().noneMatch(f -> f.key().equals("pipe:[3001]")));
    }

    @Test
    void commandAndPathDestinationsNeedTheirArgument() {
        RestoreWiringPlan p = plan();
        int i = p.indexOf("socket:[1001]");
        assertTrue(p.withDestination(i, Destination.command("  ")).plan().blocked());
        assertFalse(p.withDestination(i, Destination.command("cat -n")).plan().blocked());
        assertTrue(p.withDestination(i, Destination.unixPath("")).plan().blocked());
        assertTrue(p.withDestination(i, Destination.unixPath("relative.sock")).plan().blocked());
        assertFalse(p.withDestination(i, Destination.unixPath("/run/relay.sock")).plan().blocked());
    }

    @Test
    void reconnectOnlyWhereThePeerHadAName() {
        RestoreWiringPlan p = plan();
        RestoreWiringPlan.Edit pair = p.withDestination(p.indexOf("socket:[1001]"), Destination.reconnect());
        assertFalse(pair.accepted());
        assertTrue(pair.rejection().contains("no name"), pair.rejection());
        assertFalse(p.withDestination(p.indexOf("pipe:[3001]"), Destination.reconnect()).accepted());
        RestoreWiringPlan.Edit seq = p.withDestination(p.indexOf("socket:[1005]"), Destination.reconnect());
        assertTrue(seq.accepted());
        assertTrue(seq.plan().problems().stream().anyMatch(x -> x.message().contains("protocol state is lost")));
        assertTrue(seq.plan().options().extUnixSk());
    }

    @Test
    void optionsCarryInheritFdsExtUnixSkAndTheWorkDir() {
        RestoreWiringPlan p = plan().withWorkDir(Path.of("/tmp/work")).withRestoreSibling(true);
        CriuOptions o = p.options();
        assertEquals(Path.of("/img"), o.imagesDir());
        assertEquals(Path.of("/tmp/work"), o.workDir());
        assertTrue(o.extUnixSk(), "the dgram row reconnects by name");
        assertTrue(o.restoreSibling());
        assertEquals(3, o.inheritFds().size());
        for (CriuOptions.InheritFd f : o.inheritFds()) {
            WiringRow r = p.rows().get(p.indexOf(f.key()));
            assertEquals(r.criuFd(), f.criuFd());
            assertTrue(f.key().matches("(socket|pipe):\\[\\d+]"), f.key());
        }
        RestoreWiringPlan noReconnect = p.withDestination(p.indexOf("socket:[1002]"), Destination.console()).plan();
        assertFalse(noReconnect.options().extUnixSk());
        assertEquals(4, noReconnect.options().inheritFds().size());
        assertTrue(plan().withWorkDir(Path.of("/img/")).blocked(), "the work dir must not be the image dir");
    }

    @Test
    void commandLineHasInheritFdsRedirectionsAndExplanations() {
        RestoreWiringPlan p = plan().withWorkDir(Path.of("/tmp/work"));
        int s = p.indexOf("socket:[1001]"), pi = p.indexOf("pipe:[3001]");
        p = p.withCriuFd(s, 10).plan();
        p = p.withCriuFd(pi, 20).plan().withDestination(pi, Destination.command("yes hello")).plan();
        String cli = p.commandLine(CRIU);
        List<String> lines = cli.lines().toList();
        String cmd = lines.get(lines.size() - 1);
        assertTrue(cmd.startsWith("/opt/criu/bin/criu restore -D /img -W /tmp/work -o restore.log -v4 --ext-unix-sk --restore-detached"), cmd);
        assertTrue(cmd.contains("--inherit-fd 'fd[10]:socket:[1001]'"), cmd);
        assertTrue(cmd.contains("--inherit-fd 'fd[20]:pipe:[3001]'"), cmd);
        assertTrue(cmd.endsWith(" 20< <(yes hello)") || cmd.contains(" 20< <(yes hello)"), cmd);
        assertTrue(cmd.contains(" 10<&\"$FD_10\""), cmd);
        assertTrue(cli.contains("#   fd 10 -> socket:[1001]: one end of a new stream socketpair; the other end is kept in a console"), cli);
        assertTrue(cli.contains("fd 20 -> pipe:[3001]: the read end of a new pipe; the other end is handed to the command \"yes hello\""), cli);
        assertTrue(cli.contains("socket:[1002]: reconnected by name"), cli);
        assertFalse(cli.contains("fd[3]"), "the RPC fd is never used");
    }

    @Test
    void shellJobObligationSetsTheOption() {
        var g = graph();
        var obs = new java.util.ArrayList<>(org.criuatlas.bridge.images.ImageObligations.of(g));
        obs.add(new RestoreObligation("", RestoreObligation.Kind.SHELL_JOB, 0, null, null, null, false, "shell job"));
        RestoreWiringPlan p = RestoreWiringPlan.of(Path.of("/img"), g, obs);
        assertTrue(p.shellJob());
        assertTrue(p.options().shellJob());
        assertEquals(4, p.rows().size(), "no row for the shell job");
        assertTrue(p.withShellJob(false).blocked());
    }
}
