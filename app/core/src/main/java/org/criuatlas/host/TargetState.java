package org.criuatlas.host;

import java.util.List;

/**
 * Whether the dumped tree is still running, as checked in /proc after the dump ended (never assumed).
 *
 * @param root     the tree's root pid
 * @param running  every checked process exists and is neither stopped ({@code T}/{@code t}) nor a zombie
 * @param gone     pids that no longer exist (or are zombies)
 * @param stopped  pids that exist but are stopped
 * @param checked  how many processes were checked
 * @param text     one line for the window
 */
public record TargetState(int root, boolean running, List<Integer> gone, List<Integer> stopped, int checked, String text) {
    public TargetState {
        gone = List.copyOf(gone);
        stopped = List.copyOf(stopped);
    }
}
