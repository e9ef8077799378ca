package org.criuatlas.bridge.trust;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Who this process is: its effective uid (the owner of what it creates) and the user on whose behalf
 * it runs (the real uid, or for a root process started through sudo or pkexec the user who asked).
 * Its own two-call binding, so this package needs nothing else of the bridge.
 */
public final class Credentials {
    static {
        org.criuatlas.bridge.jna.JnaStart.prepare();
        Native.register(Credentials.class, NativeLibrary.getInstance("c"));
    }

    private Credentials() {}

    private static native int geteuid();

    private static native int getuid();

    /** The effective uid: files and folders this process makes are owned by it. */
    public static int effectiveUid() {
        return geteuid();
    }

    /** The real uid. */
    public static int realUid() {
        return getuid();
    }

    /**
     * The user who asked for what this process does: for root started by {@code sudo} its
     * {@code SUDO_UID}, by {@code pkexec} its {@code PKEXEC_UID}; otherwise the real uid. Only root's
     * environment is read this way (another user cannot set it for a root process).
     */
    public static int requestingUid() {
        return requestingUid(realUid(), System.getenv());
    }

    /** {@link #requestingUid()} for a given real uid and environment (pure; for tests). */
    public static int requestingUid(int realUid, Map<String, String> env) {
        if (realUid != 0) return realUid;
        for (String k : new String[] {"PKEXEC_UID", "SUDO_UID"}) {
            OptionalInt u = parseUid(env.get(k));
            if (u.isPresent()) return u.getAsInt();
        }
        return 0;
    }

    private static OptionalInt parseUid(String s) {
        if (s == null || s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) return OptionalInt.empty();
        long v = Long.parseLong(s);
        return v <= Integer.MAX_VALUE ? OptionalInt.of((int) v) : OptionalInt.empty();
    }
}
