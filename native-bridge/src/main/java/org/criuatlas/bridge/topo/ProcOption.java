package org.criuatlas.bridge.topo;

/**
 * What a process of a {@link TopologySpec} is or does beyond holding its ends (see
 * resources/topology/README.md).
 */
public enum ProcOption {
    /** Its own network namespace (loopback up); sockets it holds are made inside it. */
    NETNS("netns"),
    /** Its own IPC namespace: SysV objects it makes live there. */
    IPCNS("ipcns"),
    /** Its own mount namespace (everything private). */
    MNTNS("mntns"),
    /** Its own mount namespace with a tmpfs at {@code DIR/NAME.mnt} (files {@code on=mnt} live there). */
    TMPFS("tmpfs"),
    /** Its own UTS namespace, hostname = its name. */
    UTSNS("utsns"),
    /** Its children are in a new pid namespace (the first one is its pid 1). */
    PIDNS("pidns"),
    /** Stops itself (SIGSTOP) once set up. */
    STOPPED("stopped"),
    /** Traced by its parent (PTRACE_TRACEME once set up). */
    TRACED("traced"),
    /** Exits once set up; its parent never reaps it. Holds nothing. */
    ZOMBIE("zombie"),
    /** A seccomp filter (mode 2) that allows everything but acct(2). */
    SECCOMP("seccomp"),
    /** Its cwd is a directory it made and removed. */
    DELETED_CWD("cwd=deleted");

    final String word;

    ProcOption(String word) {
        this.word = word;
    }
}
