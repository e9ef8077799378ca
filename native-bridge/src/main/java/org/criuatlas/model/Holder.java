package org.criuatlas.model;

/** A process holding an object at a given fd number. */
public record Holder(int pid, int fd) implements Comparable<Holder> {
    @Override
    public int compareTo(Holder o) {
        int c = Integer.compare(pid, o.pid);
        return c != 0 ? c : Integer.compare(fd, o.fd);
    }
}
