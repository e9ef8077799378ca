package org.criuatlas.host.bridge;

import org.criuatlas.bridge.server.proto.BridgeProto.Error.Code;

/**
 * A bridge that could not answer ({@link #hostFailed()}: unreachable, gone, broke the protocol,
 * too old) or that refused a request with a typed error ({@link #code()}).
 */
public class BridgeException extends RuntimeException {
    private final Code code;
    private final boolean hostFailed;

    public BridgeException(Code code, String message, boolean hostFailed) {
        super(message);
        this.code = code;
        this.hostFailed = hostFailed;
    }

    public BridgeException(String message, Throwable cause) {
        super(message, cause);
        this.code = null;
        this.hostFailed = true;
    }

    /** The bridge's error code; null when the link itself failed. */
    public Code code() { return code; }

    /** True when the host is unusable (CLI exit code 9, HOST_FAILED), false for a refused request. */
    public boolean hostFailed() { return hostFailed; }

    /** An error reply as an exception: codes that mean the two sides do not understand each other make the host failed. */
    static BridgeException of(Code code, String message) {
        boolean broken = switch (code) {
            case MALFORMED_FRAME, FRAME_TOO_LARGE, TRUNCATED_FRAME, UNKNOWN_VERB, UNSUPPORTED_PROTOCOL, NO_HELLO -> true;
            default -> false;
        };
        return new BridgeException(code, message, broken);
    }
}
