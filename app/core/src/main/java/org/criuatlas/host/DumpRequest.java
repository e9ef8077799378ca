package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A dump as the window asks for it.
 *
 * @param options      criu's options (the plan's, with the person's settings); the images dir is set by the host
 * @param folder       the chosen images folder (used only when new or empty)
 * @param nextToFailed dump into a fresh sibling of {@code folder} ({@code NAME-2}...): a retry after a failed attempt,
 *                     whose folder keeps its incomplete mark
 * @param processes    the processes the plan dumps; checked afterwards (still running? stopped? gone?)
 */
public record DumpRequest(CriuOptions options, Path folder, boolean nextToFailed, List<Integer> processes) {
    public DumpRequest {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(folder, "folder");
        processes = List.copyOf(processes == null ? List.of() : processes);
    }

    public int root() { return options.pid(); }
}
