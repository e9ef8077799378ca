package org.criuatlas.model;

import java.util.List;

/**
 * A session of processes (setsid), derived from the processes of a snapshot.
 *
 * @param sid             session id (the pid of its leader)
 * @param leaderVisible   the leader is in the snapshot
 * @param controllingTty  its controlling terminal, null for none
 * @param foregroundPgid  the terminal's foreground process group, -1 for none or unknown
 * @param groups          its process groups, by pgid
 */
public record Session(int sid, boolean leaderVisible, TtyDevice controllingTty, int foregroundPgid,
                      List<ProcessGroup> groups) {
    public Session {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /**
     * A process group of a session.
     *
     * @param pgid    group id (the pid of its leader)
     * @param members pids in the group, ascending
     */
    public record ProcessGroup(int pgid, List<Integer> members) {
        public ProcessGroup {
            members = SortedLists.of(members);
        }
    }
}
