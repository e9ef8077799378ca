package org.criuatlas.model;

/** The kinds of Linux namespace a process has a link for under /proc/PID/ns/. */
public enum NamespaceKind {
    CGROUP("cgroup"), IPC("ipc"), MNT("mnt"), NET("net"), PID("pid"), PID_FOR_CHILDREN("pid_for_children"),
    TIME("time"), TIME_FOR_CHILDREN("time_for_children"), USER("user"), UTS("uts");

    /** The link's name under /proc/PID/ns/. */
    public final String linkName;

    NamespaceKind(String linkName) { this.linkName = linkName; }
}
