package org.criuatlas.bridge.jna;

/**
 * Set before JNA's first native library: where the platform's libraries are, so JNA does not find
 * out by running {@code /sbin/ldconfig -p} (a process start, 15-20 ms of every headless command's
 * start-up, more under load). CRIU Atlas binds only libc, by its soname, which the dynamic loader
 * finds without any search path; the directories are the usual Linux ones for the running
 * architecture. A value set by the user ({@code -Djna.platform.library.path=...}) is kept.
 */
public final class JnaStart {
    static final String PROPERTY = "jna.platform.library.path";

    private JnaStart() {}

    /** Call before the first {@code Native.load} / {@code NativeLibrary.getInstance}; cheap and idempotent. */
    public static void prepare() {
        if (System.getProperty(PROPERTY) == null) System.setProperty(PROPERTY, platformLibraryPath(System.getProperty("os.arch")));
    }

    /** The library folders of a Debian-style multiarch system (and the plain ones) for a JVM {@code os.arch}. */
    static String platformLibraryPath(String osArch) {
        String triplet = switch (osArch == null ? "" : osArch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64", "arm64" -> "aarch64-linux-gnu";
            case "riscv64" -> "riscv64-linux-gnu";
            case "ppc64le" -> "powerpc64le-linux-gnu";
            case "s390x" -> "s390x-linux-gnu";
            default -> null;
        };
        String plain = "/usr/lib64:/lib64:/usr/lib:/lib";
        return triplet == null ? plain : "/usr/lib/" + triplet + ":/lib/" + triplet + ":" + plain;
    }
}
