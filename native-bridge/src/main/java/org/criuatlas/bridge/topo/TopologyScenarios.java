package org.criuatlas.bridge.topo;

import org.criuatlas.model.SocketType;

/**
 * Ready-made specs for the situations CRIU Atlas explains: a subtree rooted at {@code app} (with a
 * child {@code helper}) and one kind of connection that leaves it for the process {@code outside}.
 * Planner tests, CRIU tests and GUI demos share them so they all talk about the same trees.
 */
public final class TopologyScenarios {
    /** The root of the subtree a test or demo dumps. */
    public static final String APP = "app";
    public static final String HELPER = "helper";
    public static final String OUTSIDE = "outside";

    private TopologyScenarios() {}

    /** app + helper inside, outside beside them; nothing connects them yet. */
    public static TopologySpec base() {
        return new TopologySpec().process(APP).process(HELPER, APP).process(OUTSIDE)
                .socketpair("inner", SocketType.STREAM, APP, HELPER)
                .pipe("inner-pipe", HELPER, APP);
    }

    /** Nothing leaves the subtree: dumps with no option. */
    public static TopologySpec selfContained() {
        return base();
    }

    /** An unnamed socketpair end outside (object {@code sp}, end a in app): needs {@code --external unix[ino]}. */
    public static TopologySpec socketpairToOutside(SocketType type) {
        return base().socketpair("sp", type, APP, OUTSIDE);
    }

    /** A dgram client in helper talking to a named server outside (object {@code dc} to {@code syslog}). */
    public static TopologySpec dgramToNamedServer() {
        return base().dgramServer("syslog", OUTSIDE, TopologySpec.AUTO_PATH)
                .connect("dc", HELPER, "syslog").talk("dc", "client", 200);
    }

    /** A stream connection from app to a named listener outside (object {@code conn} to {@code srv}). */
    public static TopologySpec streamToNamedListener() {
        return base().listen("srv", SocketType.STREAM, OUTSIDE, TopologySpec.AUTO_PATH)
                .connect("conn", APP, "srv");
    }

    /** A pipe from helper to a reader outside (object {@code out}): dumps, then breaks silently unless inherited. */
    public static TopologySpec pipeToOutside() {
        return base().pipe("out", HELPER, OUTSIDE).talk("out", "write", 200);
    }

    /** The subtree's own socketpair end ({@code inner}, end a) is also held by outside, as after fork. */
    public static TopologySpec sharedWithOutside() {
        return base().share("inner", APP, OUTSIDE);
    }

    /** Every crossing kind at once, for demos. */
    public static TopologySpec everything() {
        return base()
                .socketpair("sp", SocketType.STREAM, APP, OUTSIDE)
                .dgramServer("syslog", OUTSIDE, TopologySpec.AUTO_PATH)
                .connect("dc", HELPER, "syslog")
                .listen("srv", SocketType.STREAM, OUTSIDE, TopologySpec.AUTO_PATH)
                .connect("conn", APP, "srv")
                .pipe("out", HELPER, OUTSIDE)
                .share("inner", APP, OUTSIDE);
    }
}
