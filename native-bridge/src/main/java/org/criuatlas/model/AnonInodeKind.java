package org.criuatlas.model;

/** Kinds of anonymous inode an fd can refer to, named by the kernel in the fd link. */
public enum AnonInodeKind {
    EVENTFD("[eventfd]"), EPOLL("[eventpoll]"), INOTIFY("inotify"), FANOTIFY("[fanotify]"), TIMERFD("[timerfd]"),
    SIGNALFD("[signalfd]"), IO_URING("[io_uring]"), USERFAULTFD("[userfaultfd]"), PIDFD("[pidfd]"),
    BPF_MAP("bpf-map"), BPF_PROG("bpf-prog"), BPF_LINK("bpf_link"), PERF_EVENT("[perf_event]"), OTHER("");

    /** The text after {@code anon_inode:} in the fd link. */
    public final String linkName;

    AnonInodeKind(String linkName) { this.linkName = linkName; }

    /** From the text after {@code anon_inode:}; OTHER for names this list does not know. */
    public static AnonInodeKind fromLinkName(String name) {
        for (AnonInodeKind k : values()) if (k != OTHER && k.linkName.equals(name)) return k;
        return OTHER;
    }

    public String label() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
}
