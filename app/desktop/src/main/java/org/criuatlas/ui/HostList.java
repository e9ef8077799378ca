package org.criuatlas.ui;

import org.criuatlas.host.bridge.BridgeLauncher;
import org.criuatlas.logging.AtlasLog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The hosts the window remembers (Hosts menu): ssh destinations, the most recently connected first,
 * one per line in {@code hosts} in the state directory ({@link AtlasLog#stateDirectory()}, beside the
 * log). A plain file rather than java.util.prefs: a person can read and edit it, and tests point the
 * state directory under {@code target/}. Lines that are not a destination ssh would take are skipped.
 * Every method does file I/O: call it off the FX thread.
 */
public final class HostList {
    /** At most this many are kept. */
    public static final int LIMIT = 20;
    private final Path file;

    public HostList(Path file) {
        this.file = file;
    }

    /** The application's list: {@code hosts} in the state directory. */
    public static HostList forApp() {
        return new HostList(AtlasLog.stateDirectory().resolve("hosts"));
    }

    public Path file() { return file; }

    /** The remembered destinations, newest first; empty when there is no file or it cannot be read. */
    public synchronized List<String> load() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | RuntimeException e) {
            System.getLogger(HostList.class.getName()).log(System.Logger.Level.WARNING, "cannot read the host list " + file, e);
            return List.of();
        }
        LinkedHashSet<String> hosts = new LinkedHashSet<>();
        for (String l : lines) {
            String h = l.strip();
            if (h.isEmpty() || h.startsWith("#")) continue;
            try {
                BridgeLauncher.checkDestination(h);
                hosts.add(h);
            } catch (IllegalArgumentException skipped) {
                // not a destination ssh would take: not offered
            }
            if (hosts.size() == LIMIT) break;
        }
        return List.copyOf(hosts);
    }

    /** Puts {@code dest} first (once) and writes the list; returns it. */
    public synchronized List<String> remember(String dest) throws IOException {
        BridgeLauncher.checkDestination(dest);
        List<String> hosts = new ArrayList<>(load());
        hosts.remove(dest);
        hosts.add(0, dest);
        while (hosts.size() > LIMIT) hosts.remove(hosts.size() - 1);
        write(hosts);
        return List.copyOf(hosts);
    }

    /** Takes {@code dest} off the list; returns it. */
    public synchronized List<String> forget(String dest) throws IOException {
        List<String> hosts = new ArrayList<>(load());
        if (hosts.remove(dest)) write(hosts);
        return List.copyOf(hosts);
    }

    /** Whole or not at all: a temporary file beside it, then renamed over it. */
    private void write(List<String> hosts) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".hosts", ".tmp");
        try {
            Files.write(tmp, (String.join("\n", hosts) + "\n").getBytes(StandardCharsets.UTF_8));
            // a rename within one folder: atomic on every Linux file system
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
