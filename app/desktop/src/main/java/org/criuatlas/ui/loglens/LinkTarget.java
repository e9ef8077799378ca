package org.criuatlas.ui.loglens;

import org.criuatlas.ui.dump.GraphPin;

import java.util.List;

/** What clicking a link in the log lens does; the main window selects the object on its graph. */
@FunctionalInterface
public interface LinkTarget {
    void open(LogLink link);

    LinkTarget NONE = l -> {};

    /** Pins the linked object through the graph's {@link GraphPin}. */
    static LinkTarget pinning(GraphPin pin) {
        return l -> {
            if (l.kind() == LogLink.Kind.PROCESS) pin.pin(List.of(), List.of((int) l.value()), "named in the CRIU log");
            else pin.pin(List.of(l.objectKey()), List.of(), "named in the CRIU log");
        };
    }
}
