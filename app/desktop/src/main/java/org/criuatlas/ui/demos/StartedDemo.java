package org.criuatlas.ui.demos;

import org.criuatlas.bridge.topo.Topology;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A demo whose processes are running.
 *
 * @param demo      which demo
 * @param topology  the live tree (pids, ends, inodes); closed by {@link DemoRunner#stop}
 * @param workDir   a private (0700) directory for this run, e.g. for dump images; removed at stop
 * @param startedAt when it became ready
 */
public record StartedDemo(Demo demo, Topology topology, Path workDir, Instant startedAt) {

    /** The pid to select and plan the dump from. */
    public int rootPid() {
        return topology.pid(demo.rootProcess());
    }

    /** Every process of the demo by name, in spec order. */
    public Map<String, Integer> pids() {
        Map<String, Integer> out = new LinkedHashMap<>();
        topology.manifest().processes().values().forEach(p -> out.put(p.name(), p.pid()));
        return out;
    }

    /** Every pid stopping the demo will make sure is gone (restored ones included once adopted). */
    public Set<Integer> knownPids() {
        return topology.knownPids();
    }

    /** The inode of the end of {@code object} held by {@code process}. */
    public long inode(String object, String process) {
        return topology.inode(object, process);
    }

    /** The directory where the demo's socket files live (0700, removed at stop). */
    public Path socketDir() {
        return topology.directory();
    }

    /** A fresh, not yet existing images folder inside the work dir for the n-th dump. */
    public Path imagesDir(int n) {
        return workDir.resolve("images-" + n);
    }

    /** "app=123 worker=124 supervisor=125". */
    public String pidText() {
        StringBuilder s = new StringBuilder();
        pids().forEach((n, p) -> s.append(s.isEmpty() ? "" : " ").append(n).append('=').append(p));
        return s.toString();
    }
}
