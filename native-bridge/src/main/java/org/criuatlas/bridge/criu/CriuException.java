package org.criuatlas.bridge.criu;

import java.util.List;

/** A CRIU session that could not produce a reply. A reply with success=false is NOT an exception. */
public class CriuException extends RuntimeException {
    public CriuException(String message) {
        super(message);
    }

    public CriuException(String message, Throwable cause) {
        super(message, cause);
    }

    /** criu ended (or closed the socket) without replying: a protocol error, a crash, a bad request. */
    public static final class WorkerDied extends CriuException {
        private final String exit;
        private final List<String> outputTail;
        private final List<String> logTail;

        public WorkerDied(String request, String exit, List<String> outputTail, List<String> logTail) {
            super("criu (" + request + ") ended without a reply (" + exit + ")"
                    + (outputTail.isEmpty() ? "" : "\n  criu said:\n    " + String.join("\n    ", outputTail))
                    + (logTail.isEmpty() ? "" : "\n  log tail:\n    " + String.join("\n    ", logTail)));
            this.exit = exit;
            this.outputTail = List.copyOf(outputTail);
            this.logTail = List.copyOf(logTail);
        }

        public String exit() { return exit; }
        public List<String> outputTail() { return outputTail; }
        public List<String> logTail() { return logTail; }
    }

    /** The session was cancelled; the worker is gone. */
    public static final class Cancelled extends CriuException {
        public Cancelled(String request, String how) {
            super("criu " + request + " cancelled (" + how + ")");
        }

        public Cancelled(String request, String how, Throwable cause) {
            super("criu " + request + " cancelled (" + how + ")", cause);
        }
    }

    /** A reply that does not parse. */
    public static final class BadReply extends CriuException {
        public BadReply(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
