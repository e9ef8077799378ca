package org.criuatlas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.GraphEdge;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.UnixSocket;

import java.util.List;
import java.util.Locale;

/** The JSON form of a snapshot, as documented in docs/scan-json.md (schema version 1). */
public final class ScanJson {
    public static final int SCHEMA_VERSION = 1;

    private ScanJson() {}

    public static ObjectNode toJson(IpcGraph g, ObjectMapper m) {
        ObjectNode root = m.createObjectNode();
        ObjectNode meta = root.putObject("meta");
        meta.put("schema", SCHEMA_VERSION);
        meta.put("source", g.meta().source().name().toLowerCase(Locale.ROOT));
        meta.put("origin", g.meta().origin());
        meta.put("takenAt", g.meta().takenAt().toString());
        meta.put("privileged", g.meta().privileged());
        meta.put("scanMillis", g.meta().scanNanos() / 1_000_000.0);

        ArrayNode procs = root.putArray("processes");
        for (ProcessInfo p : g.processes().values()) {
            ObjectNode o = procs.addObject();
            o.put("pid", p.pid());
            o.put("ppid", p.ppid());
            o.put("comm", p.comm());
            ArrayNode cmd = o.putArray("cmdline");
            p.cmdline().forEach(cmd::add);
            o.put("uid", p.uid());
            o.put("state", String.valueOf(p.state()));
            o.put("pgid", p.pgid());
            o.put("sid", p.sid());
            o.put("ttyNr", p.ttyNr());
            o.put("netns", p.netNs());
            o.put("fdsReadable", p.fdsReadable());
            ArrayNode fds = o.putArray("fds");
            for (FdInfo f : p.fds()) {
                ObjectNode fo = fds.addObject();
                fo.put("fd", f.fd());
                fo.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
                fo.put("target", f.target());
                if (f.inode() != 0) fo.put("ino", f.inode());
                if (f.mode() != AccessMode.UNKNOWN) fo.put("mode", mode(f.mode()));
                if (f.flags() >= 0) fo.put("flags", f.flags());
            }
        }

        ArrayNode socks = root.putArray("sockets");
        for (UnixSocket s : g.sockets().values()) {
            ObjectNode o = socks.addObject();
            o.put("ino", s.ino());
            o.put("type", s.type().label());
            o.put("state", s.state().label());
            if (s.name().isNamed()) o.put("name", s.name().display());
            else o.putNull("name");
            o.put("nameKind", s.name().kind().name().toLowerCase(Locale.ROOT));
            if (s.peer() != 0) o.put("peer", s.peer());
            else o.putNull("peer");
            o.put("rqueue", s.recvQueue());
            o.put("wqueue", s.sendQueue());
            ArrayNode pend = o.putArray("pending");
            s.pending().forEach(pend::add);
            holders(o.putArray("holders"), s.holders());
        }

        ArrayNode pipes = root.putArray("pipes");
        for (Pipe p : g.pipes().values()) {
            ObjectNode o = pipes.addObject();
            o.put("ino", p.ino());
            if (p.isFifo()) o.put("fifo", p.fifoPath());
            else o.putNull("fifo");
            holders(o.putArray("readers"), p.readers());
            holders(o.putArray("writers"), p.writers());
        }

        ArrayNode edges = root.putArray("edges");
        for (GraphEdge e : g.edges()) {
            ObjectNode o = edges.addObject();
            o.put("kind", e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            o.put("from", e.fromPid());
            o.put("to", e.toPid());
            if (e.objectKey() != null) o.put("object", e.objectKey());
            if (e.peerKey() != null) o.put("peerObject", e.peerKey());
        }

        ArrayNode problems = root.putArray("problems");
        for (ScanProblem p : g.problems()) {
            ObjectNode o = problems.addObject();
            o.put("pid", p.pid());
            o.put("what", p.what());
            o.put("reason", p.reason());
        }
        return root;
    }

    static String mode(AccessMode m) {
        return switch (m) {
            case READ -> "read";
            case WRITE -> "write";
            case READ_WRITE -> "read-write";
            case UNKNOWN -> "unknown";
        };
    }

    private static void holders(ArrayNode a, List<Holder> hs) {
        for (Holder h : hs) a.addObject().put("pid", h.pid()).put("fd", h.fd());
    }
}
