package org.criuatlas.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** Independent answers about ELF files and byte arrays for the build-id and mapping tests. */
public final class ElfFiles {
    private ElfFiles() {}

    /**
     * A python program that maps a file of {@code 2 << 20} bytes at argv[1] through libc's mmap(2),
     * closes the fd and unlinks the file (python's own mmap module keeps a dup of the fd), writes "1"
     * to argv[2] and waits: only the mapping holds the file, as after an upgrade replaced a library.
     */
    public static final String MAP_DELETED_FILE = """
            import ctypes, os, signal, sys
            path, ready = sys.argv[1], sys.argv[2]
            size = 2 << 20
            with open(path, "wb") as f:
                f.write(b"x" * size)
            libc = ctypes.CDLL(None, use_errno=True)
            libc.mmap.restype = ctypes.c_void_p
            libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
            fd = os.open(path, os.O_RDONLY)
            addr = libc.mmap(None, size, 1, 2, fd, 0)  # PROT_READ, MAP_PRIVATE
            if addr in (None, ctypes.c_void_p(-1).value):
                sys.exit("mmap failed: %d" % ctypes.get_errno())
            os.close(fd)
            os.unlink(path)
            with open(ready, "w") as f:
                f.write("1")
            while True:
                signal.pause()
            """;

    /** The size of the file {@link #MAP_DELETED_FILE} maps. */
    public static final long MAPPED_SIZE = 2L << 20;

    /** "Build ID: hex" from {@code readelf -n}, empty when readelf finds none (or the file is not ELF). */
    public static Optional<String> readelfBuildId(Path file) throws Exception {
        Process p = new ProcessBuilder("readelf", "-n", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().map(String::strip).filter(l -> l.startsWith("Build ID: ")).map(l -> l.substring(10).strip()).findFirst();
    }

    /** Where {@code needle} first occurs in {@code hay}, -1 when it does not. */
    public static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) if (hay[i + k] != needle[k]) continue outer;
            return i;
        }
        return -1;
    }
}
