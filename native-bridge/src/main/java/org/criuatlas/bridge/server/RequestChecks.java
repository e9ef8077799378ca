package org.criuatlas.bridge.server;

import org.criuatlas.bridge.server.BridgeVerbs.Refused;
import org.criuatlas.bridge.server.proto.BridgeProto.Error.Code;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;

/** The checks every request's fields pass before a bridge acts on them. */
public final class RequestChecks {
    /** Linux's PID_MAX_LIMIT (4 Mi): no pid is larger. */
    public static final int PID_MAX = 1 << 22;
    /** The most pids one request may name. */
    public static final int MAX_PIDS = 1 << 16;
    /** PATH_MAX. */
    public static final int MAX_PATH_BYTES = 4096;
    /** The most a log read may return (a frame must hold it). */
    public static final long MAX_LOG_BYTES = FrameChannel.MAX_FRAME - 4096;
    public static final int MAX_PARALLELISM = 64;
    /** The most one read_images / write_images chunk carries (a frame holds it with room to spare). */
    public static final int MAX_CHUNK = 4 << 20;
    /** The largest image file a transfer accepts (an offset beyond it is refused): 1 TiB. */
    public static final long MAX_IMAGE_FILE = 1L << 40;
    /** NAME_MAX. */
    public static final int MAX_NAME_BYTES = 255;

    private RequestChecks() {}

    public static int pid(int pid, String what) throws Refused {
        if (pid < 1 || pid > PID_MAX) throw new Refused(Code.INVALID_REQUEST, what + ": " + pid + " is not a pid (1.." + PID_MAX + ")");
        return pid;
    }

    public static void pids(Collection<Integer> pids, String what) throws Refused {
        if (pids.size() > MAX_PIDS) throw new Refused(Code.INVALID_REQUEST, what + ": " + pids.size() + " pids (at most " + MAX_PIDS + ")");
        for (int p : pids) pid(p, what);
    }

    /** An absolute, normal path without NUL bytes and no longer than PATH_MAX. */
    public static Path path(String s, String what) throws Refused {
        if (s == null || s.isEmpty()) throw new Refused(Code.INVALID_REQUEST, what + ": no path");
        if (s.indexOf('\0') >= 0) throw new Refused(Code.INVALID_REQUEST, what + ": a path with a NUL byte");
        if (s.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new Refused(Code.INVALID_REQUEST, what + ": a path longer than " + MAX_PATH_BYTES + " bytes");
        }
        Path p;
        try {
            p = Path.of(s);
        } catch (InvalidPathException e) {
            throw new Refused(Code.INVALID_REQUEST, what + ": not a path (" + e.getReason() + ")");
        }
        return path(p, what);
    }

    public static Path path(Path p, String what) throws Refused {
        if (p == null) throw new Refused(Code.INVALID_REQUEST, what + ": no path");
        if (!p.isAbsolute()) throw new Refused(Code.INVALID_REQUEST, what + ": " + p + " is not absolute");
        for (Path part : p) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw new Refused(Code.INVALID_REQUEST, what + ": " + p + " has . or .. in it");
            }
        }
        if (p.toString().indexOf('\0') >= 0) throw new Refused(Code.INVALID_REQUEST, what + ": a path with a NUL byte");
        return p;
    }

    /** One file name directly in a folder: not empty, no '/', not '.' or '..', no NUL, at most NAME_MAX bytes. */
    public static String fileName(String s, String what) throws Refused {
        if (s == null || s.isEmpty()) throw new Refused(Code.INVALID_REQUEST, what + ": no file name");
        if (s.indexOf('/') >= 0 || s.indexOf('\0') >= 0 || s.equals(".") || s.equals("..")) {
            throw new Refused(Code.INVALID_REQUEST, what + ": \"" + printable(s) + "\" is not one file name");
        }
        if (s.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new Refused(Code.INVALID_REQUEST, what + ": a name longer than " + MAX_NAME_BYTES + " bytes");
        }
        return s;
    }

    private static final java.util.regex.Pattern END_KEY = java.util.regex.Pattern.compile("(socket|pipe):\\[[0-9]{1,20}\\]");

    /** A wiring end's image key: {@code socket:[INO]} or {@code pipe:[INO]}. */
    public static String endKey(String s, String what) throws Refused {
        if (s == null || !END_KEY.matcher(s).matches()) {
            throw new Refused(Code.INVALID_REQUEST, what + ": \"" + printable(s == null ? "" : s) + "\" is not socket:[INO] or pipe:[INO]");
        }
        return s;
    }

    /** An offset into an image file: 0 .. {@link #MAX_IMAGE_FILE}. */
    public static long offset(long n, String what) throws Refused {
        if (n < 0 || n > MAX_IMAGE_FILE) throw new Refused(Code.INVALID_REQUEST, what + ": offset " + Long.toUnsignedString(n)
                + " (0.." + MAX_IMAGE_FILE + ")");
        return n;
    }

    private static String printable(String s) {
        String t = s.replace('\0', '?');
        return t.length() > 80 ? t.substring(0, 80) + "..." : t;
    }

    public static long size(long n, long max, String what) throws Refused {
        if (n < 1 || n > max) throw new Refused(Code.INVALID_REQUEST, what + ": " + Long.toUnsignedString(n) + " (1.." + max + ")");
        return n;
    }
}
