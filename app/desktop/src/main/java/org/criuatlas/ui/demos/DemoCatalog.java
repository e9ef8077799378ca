package org.criuatlas.ui.demos;

import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.model.RestoreObligation;
import org.criuatlas.model.SocketType;
import org.criuatlas.plan.CriuError;
import org.criuatlas.plan.CrossingKind;
import org.criuatlas.plan.Fix;
import org.criuatlas.plan.Outcome;

import java.util.List;
import java.util.Optional;

/**
 * The five training demos. Each one is a small tree of real processes (built by atlas-topo) rooted
 * at {@code app}, plus whatever lives beside it outside the dump. Named sockets are created as
 * {@code path=auto}: a file in the run's own 0700 temporary directory, removed when the demo stops.
 * The facts in the lessons are the measured ones of docs/dump-rules.md (CRIU 4.1.1).
 */
public final class DemoCatalog {
    /** Every demo dumps from this process. */
    public static final String ROOT = "app";

    public static final Demo SEED = new Demo(1, "seed", "The seed case: a socketpair to a supervisor outside",
            new Lesson(
                    "app has a child, worker. worker holds one end of a stream socketpair; the other end belongs to"
                            + " supervisor, a process beside app, not under it. supervisor says hello once a second and"
                            + " worker echoes every line back. This is how many daemons talk to the tool that started them.",
                    List.of(
                            "Start the demo and select {pid:app} as the root of the dump.",
                            "Plan: the edge from worker to supervisor is drawn as crossing the boundary, and the plan says"
                                    + " the dump will fail with \"External socket is used\".",
                            "Dump… anyway: CRIU fails with that exact line, the offending socket is pinned on the graph, and"
                                    + " app and worker are still running.",
                            "Click the fix: tick worker's end, unix[{ino:seed@worker}], as external. Dump again: it succeeds"
                                    + " and app and worker are gone from the graph.",
                            "Open the images: the restore board has one row, socket:[{ino:seed@worker}]. Choose \"console kept"
                                    + " by CRIU Atlas\" as its destination and Restore.",
                            "Type a line in the console: the restored worker echoes it back. Data flows again."),
                    "The only edge that crosses the boundary is worker ↔ supervisor. The fix names worker's inode, not supervisor's: CRIU looks up"
                            + " the end inside the dump. The pipe from app to worker stays inside and needs nothing.",
                    "CRIU can only save what is inside the tree. The socketpair's other end has no name, so nothing could"
                            + " reconnect it later; CRIU refuses unless told the end is external. At restore it must be"
                            + " handed a new socket in that place (--inherit-fd fd[N]:socket:[INO]). CRIU's own hint,"
                            + " --ext-unix-sk, does not help here: it fails with \"Can't dump half of stream unix connection\","
                            + " and at restore it would crash the worker."),
            ROOT,
            new ExpectedPlan(List.of(new ExpectedCrossing(CrossingKind.SOCKETPAIR, "seed", "worker", Outcome.DUMP_FAILS,
                    CriuError.Kind.EXTERNAL_SOCKET_USED, Fix.Kind.MARK_EXTERNAL, Outcome.DUMPS, RestoreObligation.Kind.INHERIT_SOCKET)),
                    Outcome.DUMP_FAILS, CriuError.Kind.EXTERNAL_SOCKET_USED, Outcome.DUMPS),
            () -> new TopologySpec()
                    .process(ROOT).process("worker", ROOT).process("supervisor")
                    .pipe("jobs", ROOT, "worker")
                    .socketpair("seed", SocketType.STREAM, "worker", "supervisor").talk("seed", "b", 1000));

    public static final Demo LOGD = new Demo(2, "logd", "logd-style: datagram clients of a named \"syslog\" socket",
            new Lesson(
                    "app has two children, web and mailer. Each has a datagram socket connected to syslog.sock, a named"
                            + " socket served by syslogd, which is outside the dump. They log a line every second or so,"
                            + " the way programs write to /dev/log.",
                    List.of(
                            "Start the demo and select {pid:app} as the root.",
                            "Plan: two crossings, web → syslog and mailer → syslog, both \"datagram client of a named"
                                    + " socket outside\". With nothing ticked the dump fails with \"External socket is used\".",
                            "Choose \"reconnect by name\" (--ext-unix-sk) on one of them: it is one option for the whole dump,"
                                    + " so the verdict becomes \"dumps fine\" for both.",
                            "Dump: it succeeds. Open the images: the restore board shows both sockets as \"reconnect by name\";"
                                    + " nothing has to be handed in.",
                            "Restore: web and mailer come back and their edges to syslogd reappear."),
                    "Both edges end at the same named socket. The fix is one option for the whole dump, not one tick per"
                            + " socket, and the restore obligation list stays empty.",
                    "A datagram socket only remembers the address it sends to. CRIU saves that name, and at restore it"
                            + " makes a new socket and connects it to the same path again, which works as long as syslogd"
                            + " still listens there. Lines that were still queued at syslogd are not part of the dump."),
            ROOT,
            new ExpectedPlan(List.of(
                    new ExpectedCrossing(CrossingKind.DGRAM_TO_NAMED, "log-web", "web", Outcome.DUMP_FAILS,
                            CriuError.Kind.EXTERNAL_SOCKET_USED, Fix.Kind.RECONNECT_BY_NAME, Outcome.DUMPS, null),
                    new ExpectedCrossing(CrossingKind.DGRAM_TO_NAMED, "log-mail", "mailer", Outcome.DUMP_FAILS,
                            CriuError.Kind.EXTERNAL_SOCKET_USED, Fix.Kind.RECONNECT_BY_NAME, Outcome.DUMPS, null)),
                    Outcome.DUMP_FAILS, CriuError.Kind.EXTERNAL_SOCKET_USED, Outcome.DUMPS),
            () -> new TopologySpec()
                    .process("syslogd").dgramServer("syslog", "syslogd", TopologySpec.AUTO_PATH)
                    .process(ROOT).process("web", ROOT).process("mailer", ROOT)
                    .connect("log-web", "web", "syslog").talk("log-web", "client", 1000)
                    .connect("log-mail", "mailer", "syslog").talk("log-mail", "client", 1500));

    public static final Demo STREAM_SERVICE = new Demo(3, "service", "A client of a named stream service outside",
            new Lesson(
                    "app's child client is connected to bus.sock, a stream socket on which sessiond (outside the dump)"
                            + " listens, like a D-Bus or X11 client. client sends a line every second and sessiond echoes it.",
                    List.of(
                            "Start the demo and select {pid:app} as the root.",
                            "Plan: one crossing, \"client of a named listener outside\". The dump would fail with"
                                    + " \"External socket is used\".",
                            "Compare the two fixes the plan offers: mark external and hand in a connected socket at restore,"
                                    + " or mark external and reconnect by name.",
                            "Tick client's end unix[{ino:session@client}] as external and Dump: it succeeds.",
                            "Open the images: the restore board asks for socket:[{ino:session@client}]. Connect it to bus.sock"
                                    + " (or keep it in a console) and Restore."),
                    "The peer of client is the socket sessiond accepted, which carries the listener's name. The plan"
                            + " warns that reconnecting by name means a brand-new connection.",
                    "A stream connection is a conversation: both sides remember where they are (a login, a subscription,"
                            + " half a message). CRIU can only save client's half. Reconnecting by name (--ext-unix-sk at"
                            + " restore) makes sessiond accept a fresh connection that knows nothing of the old one, so"
                            + " protocols like D-Bus or X11 break. Handing in a socket that is already in the right state"
                            + " (inherit) is the dependable way."),
            ROOT,
            new ExpectedPlan(List.of(new ExpectedCrossing(CrossingKind.STREAM_TO_NAMED_LISTENER, "session", "client",
                    Outcome.DUMP_FAILS, CriuError.Kind.EXTERNAL_SOCKET_USED, Fix.Kind.MARK_EXTERNAL, Outcome.DUMPS,
                    RestoreObligation.Kind.INHERIT_OR_RECONNECT_SOCKET)),
                    Outcome.DUMP_FAILS, CriuError.Kind.EXTERNAL_SOCKET_USED, Outcome.DUMPS),
            () -> new TopologySpec()
                    .process("sessiond").listen("bus", SocketType.STREAM, "sessiond", TopologySpec.AUTO_PATH)
                    .process(ROOT).process("client", ROOT)
                    .connect("session", "client", "bus").talk("session", "client", 1000));

    public static final Demo PIPELINE = new Demo(4, "pipeline", "A pipeline with a reader outside",
            new Lesson(
                    "app runs a two-stage pipeline: producer writes into filter through a pipe, and filter writes its"
                            + " output into a second pipe read by pager, a process outside the dump (like `app | less`).",
                    List.of(
                            "Start the demo and select {pid:app} as the root.",
                            "Plan: one crossing, \"pipe: read end outside\". The verdict is not \"dump fails\" but \"dumps,"
                                    + " but breaks at restore\".",
                            "Dump without any fix: it succeeds.",
                            "Open the images: the restore board lists pipe:[{ino:out@filter}] as an obligation. Without it the"
                                    + " restored filter writes into a pipe nobody reads and gets EPIPE.",
                            "Hand in a new pipe (keep its read end in a console) and Restore: filter's output shows up there."),
                    "The pipe from producer to filter is inside and comes back by itself. Only the pipe to pager crosses"
                            + " the boundary, and CRIU does not complain about it at all.",
                    "CRIU saves the end of the pipe it can see and makes a new pipe at restore; the other end of the new"
                            + " pipe belongs to nobody. A pipe has no name to reconnect to, so the only way to keep the data"
                            + " flowing is to hand CRIU a pipe end (--inherit-fd fd[N]:pipe:[INO]) whose other end someone reads."),
            ROOT,
            new ExpectedPlan(List.of(new ExpectedCrossing(CrossingKind.PIPE_READER_OUTSIDE, "out", "filter",
                    Outcome.DUMPS_BREAKS_AT_RESTORE, null, Fix.Kind.INHERIT_PIPE, Outcome.DUMPS, RestoreObligation.Kind.INHERIT_PIPE)),
                    Outcome.DUMPS_BREAKS_AT_RESTORE, null, Outcome.DUMPS),
            () -> new TopologySpec()
                    .process(ROOT).process("producer", ROOT).process("filter", ROOT).process("pager")
                    .pipe("stage", "producer", "filter").talk("stage", "write", 1000)
                    .pipe("out", "filter", "pager").talk("out", "write", 1000));

    public static final Demo SELF_CONTAINED = new Demo(5, "contained", "A self-contained tree",
            new Lesson(
                    "app has two children, worker and logger. They talk over a socketpair, a pipe, a listening socket"
                            + " and a datagram socket, but every end of every connection is held inside app's tree.",
                    List.of(
                            "Start the demo and select {pid:app} as the root.",
                            "Plan: no crossings; the verdict is \"dumps fine\".",
                            "Dump (leave running or not): it succeeds with no option.",
                            "Restore: nothing to wire; the tree comes back with all its edges."),
                    "Every edge starts and ends inside the boundary. The named sockets use abstract names, which CRIU"
                            + " binds again at restore.",
                    "When both ends of every connection are in the dump, CRIU saves both and joins them up again at"
                            + " restore. Nothing outside has to be remembered or reconnected."),
            ROOT,
            new ExpectedPlan(List.of(), Outcome.DUMPS, null, Outcome.DUMPS),
            () -> new TopologySpec()
                    .process(ROOT).process("worker", ROOT).process("logger", ROOT)
                    .socketpair("ctl", SocketType.STREAM, ROOT, "worker").talk("ctl", "a", 1000)
                    .pipe("results", "worker", ROOT).talk("results", "write", 1000)
                    .listen("api", SocketType.STREAM, ROOT, TopologySpec.AUTO_ABSTRACT)
                    .connect("api-conn", "worker", "api")
                    .dgramServer("log", "logger", TopologySpec.AUTO_ABSTRACT)
                    .connect("log-out", "worker", "log").talk("log-out", "client", 1500));

    private static final List<Demo> ALL = List.of(SEED, LOGD, STREAM_SERVICE, PIPELINE, SELF_CONTAINED);

    private DemoCatalog() {}

    /** The demos in menu order. */
    public static List<Demo> all() {
        return ALL;
    }

    public static Optional<Demo> byId(String id) {
        return ALL.stream().filter(d -> d.id().equals(id)).findFirst();
    }

}
