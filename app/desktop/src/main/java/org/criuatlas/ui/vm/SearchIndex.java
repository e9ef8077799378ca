package org.criuatlas.ui.vm;

import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;

import java.util.HashMap;
import java.util.Map;

/**
 * What the search box matches, per process of one snapshot, made on first use: a refresh does
 * not build the text of every row (at 1,000 processes and 20,000 sockets that was most of a
 * refresh's preparation), a search builds each row's text once per snapshot. Used on the FX
 * thread only.
 */
public final class SearchIndex {
    public static final SearchIndex EMPTY = new SearchIndex(null);

    private final IpcGraph graph;
    private final Map<Integer, String> texts = new HashMap<>();

    public SearchIndex(IpcGraph graph) { this.graph = graph; }

    /** The lower-case text for {@code pid} ("" when the snapshot does not have it). */
    public String text(int pid) {
        if (graph == null) return "";
        return texts.computeIfAbsent(pid, p -> {
            ProcessInfo info = graph.process(p);
            return info == null ? Integer.toString(p) : ProcessRows.searchText(graph, info);
        });
    }
}
