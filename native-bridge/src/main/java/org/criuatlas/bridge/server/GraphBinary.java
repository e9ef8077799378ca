package org.criuatlas.bridge.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.AnonInodeKind;
import org.criuatlas.model.FdDetail;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.Namespaces;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SeccompMode;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole graph in the compact form a scan reply carries when the client asks for it
 * ({@code ScanRequest.binary}, {@code GraphReply.full_binary}; docs/bridge.md "Binary graph"). The
 * processes, unix sockets and pipes (all but a few KB of a graph) are written field by field as
 * protobuf varints, each distinct string once (a string table built as it goes: the first use
 * carries the text, later ones its number); every other collection and the meta go as the
 * {@link BridgeJson} of a {@link GraphWire} without those three. Enums travel by name, so a member
 * added on one side is an error on the other, not a silent other member.
 *
 * <p>Layout: varint {@link #FORMAT}; length-delimited JSON of the rest; then the processes, the unix
 * sockets and the pipes, each a varint count followed by the records. A string is varint 0 (null),
 * 1 followed by its UTF-8 bytes (a new entry of the table), or n &gt;= 2 (entry n - 2). Signed
 * numbers are zigzag varints.
 */
public final class GraphBinary {
    /** The layout's version (2: processes end with their deleted mappings); a reader takes this one and 1, and refuses any other. */
    public static final int FORMAT = 2;

    private GraphBinary() {}

    public static byte[] write(GraphWire w) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024 + w.processes().size() * 1024 + w.unixSockets().size() * 64);
        CodedOutputStream out = CodedOutputStream.newInstance(buf, 64 * 1024);
        try {
            new Writer(out).graph(w);
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a graph into memory: " + e.getMessage(), e);
        }
        return buf.toByteArray();
    }

    /** Reads what {@link #write} wrote; anything else is an IOException. */
    public static GraphWire read(ByteString bytes) throws IOException {
        try {
            return new Reader(bytes.newCodedInput(), bytes.size()).graph();
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            // a record refusing a value, an enum name this side does not know, a count past the end
            throw new IOException("not a valid binary graph: " + e, e);
        }
    }

    private static final class Writer {
        private final CodedOutputStream out;
        private final Map<String, Integer> strings = new HashMap<>(8192);
        private final Map<Namespaces, Integer> namespaces = new HashMap<>();

        Writer(CodedOutputStream out) {
            this.out = out;
        }

        void graph(GraphWire w) throws IOException {
            out.writeUInt32NoTag(FORMAT);
            GraphWire rest = new GraphWire(w.meta(), null, null, null, w.inetSockets(), w.netlinkSockets(), w.packetSockets(),
                    w.fileLocks(), w.sysvShm(), w.sysvSemaphores(), w.sysvMessageQueues(), w.mountTables(), w.problems());
            out.writeByteArrayNoTag(BridgeJson.write(rest));
            out.writeUInt32NoTag(w.processes().size());
            for (ProcessInfo p : w.processes()) process(p);
            out.writeUInt32NoTag(w.unixSockets().size());
            for (UnixSocket s : w.unixSockets()) unix(s);
            out.writeUInt32NoTag(w.pipes().size());
            for (Pipe p : w.pipes()) pipe(p);
        }

        void process(ProcessInfo p) throws IOException {
            sint(p.pid());
            sint(p.ppid());
            str(p.comm());
            out.writeUInt32NoTag(p.cmdline().size());
            for (String a : p.cmdline()) str(a);
            sint(p.uid());
            out.writeUInt32NoTag(p.state());
            sint(p.pgid());
            sint(p.sid());
            slong(p.ttyNr());
            slong(p.netNs());
            out.writeUInt32NoTag(p.fds().size());
            for (FdInfo f : p.fds()) fd(f);
            out.writeBoolNoTag(p.fdsReadable());
            sint(p.tpgid());
            sint(p.tracerPid());
            sint(p.threads());
            str(p.seccomp().name());
            namespaces(p.namespaces());
            str(p.cwd());
            out.writeUInt32NoTag(p.deletedMappings().size());
            for (org.criuatlas.model.DeletedMapping m : p.deletedMappings()) {
                str(m.path());
                slong(m.ino());
                slong(m.size());
                sint(m.nlink());
            }
        }

        /** Processes mostly share their namespaces: 0 then ten inodes the first time, n >= 1 for the (n-1)th seen. */
        void namespaces(Namespaces n) throws IOException {
            Integer i = namespaces.get(n);
            if (i != null) {
                out.writeUInt32NoTag(i + 1);
                return;
            }
            namespaces.put(n, namespaces.size());
            out.writeUInt32NoTag(0);
            for (long v : new long[] {n.cgroup(), n.ipc(), n.mnt(), n.net(), n.pid(), n.pidForChildren(), n.time(),
                    n.timeForChildren(), n.user(), n.uts()}) slong(v);
        }

        void fd(FdInfo f) throws IOException {
            sint(f.fd());
            str(f.kind().name());
            str(f.target());
            slong(f.inode());
            str(f.mode().name());
            slong(f.flags());
            FdDetail d = f.detail();
            if (d == null) {
                out.writeUInt32NoTag(0);
            } else if (d instanceof FdDetail.File x) {
                out.writeUInt32NoTag(1);
                sint(x.devMajor());
                sint(x.devMinor());
                slong(x.ino());
                sint(x.mntId());
                out.writeBoolNoTag(x.deleted());
                str(x.flavor().name());
                sint(x.nlink());
                slong(x.size());
            } else if (d instanceof FdDetail.AnonInode x) {
                out.writeUInt32NoTag(2);
                str(x.kind());
                str(x.name());
                sint(x.pidfdTarget());
            } else if (d instanceof FdDetail.Terminal x) {
                out.writeUInt32NoTag(3);
                str(x.role());
                sint(x.index());
            }
        }

        void unix(UnixSocket s) throws IOException {
            slong(s.ino());
            str(s.type());
            str(s.state());
            str(s.name().kind().name());
            str(s.name().value());
            slong(s.peer());
            slong(s.recvQueue());
            slong(s.sendQueue());
            out.writeUInt32NoTag(s.pending().size());
            for (long p : s.pending()) slong(p);
            holders(s.holders());
            out.writeBoolNoTag(s.externalPeer());
            slong(s.netNs());
        }

        void pipe(Pipe p) throws IOException {
            slong(p.ino());
            str(p.fifoPath());
            holders(p.readers());
            holders(p.writers());
            slong(p.queuedBytes());
        }

        void holders(List<Holder> hs) throws IOException {
            out.writeUInt32NoTag(hs.size());
            for (Holder h : hs) {
                sint(h.pid());
                sint(h.fd());
            }
        }

        /** An enum by its name (null stays null). */
        void str(Enum<?> e) throws IOException {
            str(e == null ? null : e.name());
        }

        void str(String s) throws IOException {
            if (s == null) {
                out.writeUInt32NoTag(0);
                return;
            }
            Integer i = strings.putIfAbsent(s, strings.size());
            if (i != null) {
                out.writeUInt32NoTag(i + 2);
            } else {
                out.writeUInt32NoTag(1);
                out.writeStringNoTag(s);
            }
        }

        void sint(int v) throws IOException { out.writeSInt32NoTag(v); }

        void slong(long v) throws IOException { out.writeSInt64NoTag(v); }
    }

    private static final class Reader {
        private final CodedInputStream in;
        private final int size;
        private final List<String> strings = new ArrayList<>(8192);
        private final List<Namespaces> namespaces = new ArrayList<>();
        private int format;

        Reader(CodedInputStream in, int size) {
            this.in = in;
            this.size = size;
            in.setSizeLimit(Integer.MAX_VALUE);
        }

        GraphWire graph() throws IOException {
            format = in.readUInt32();
            if (format != FORMAT && format != 1) throw new IOException("a binary graph of format " + format + " (this side reads 1 and " + FORMAT + ")");
            GraphWire rest = BridgeJson.read(in.readByteArray(), GraphWire.class);
            int n = count();
            List<ProcessInfo> procs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) procs.add(process());
            n = count();
            List<UnixSocket> socks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) socks.add(unix());
            n = count();
            List<Pipe> pipes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) pipes.add(pipe());
            if (!in.isAtEnd()) throw new IOException("bytes after the end of a binary graph");
            return new GraphWire(rest.meta(), procs, socks, pipes, rest.inetSockets(), rest.netlinkSockets(), rest.packetSockets(),
                    rest.fileLocks(), rest.sysvShm(), rest.sysvSemaphores(), rest.sysvMessageQueues(), rest.mountTables(), rest.problems());
        }

        ProcessInfo process() throws IOException {
            int pid = sint(), ppid = sint();
            String comm = str();
            int nArgs = count();
            List<String> cmdline = new ArrayList<>(nArgs);
            for (int i = 0; i < nArgs; i++) cmdline.add(str());
            int uid = sint();
            int state = in.readUInt32();
            if (state > Character.MAX_VALUE) throw new IOException("a process state of " + state);
            int pgid = sint(), sid = sint();
            long ttyNr = slong(), netNs = slong();
            int nFds = count();
            List<FdInfo> fds = new ArrayList<>(nFds);
            for (int i = 0; i < nFds; i++) fds.add(fd());
            boolean fdsReadable = in.readBool();
            int tpgid = sint(), tracer = sint(), threads = sint();
            SeccompMode seccomp = SeccompMode.valueOf(str());
            Namespaces ns = namespaces();
            String cwd = str();
            int nMaps = format >= 2 ? count() : 0;
            List<org.criuatlas.model.DeletedMapping> maps = new ArrayList<>(nMaps);
            for (int i = 0; i < nMaps; i++) maps.add(new org.criuatlas.model.DeletedMapping(str(), slong(), slong(), sint()));
            return new ProcessInfo(pid, ppid, comm, cmdline, uid, (char) state, pgid, sid, ttyNr, netNs, fds, fdsReadable, tpgid, tracer,
                    threads, seccomp, ns, cwd, maps);
        }

        Namespaces namespaces() throws IOException {
            int i = in.readUInt32();
            if (i == 0) {
                long[] v = new long[10];
                for (int k = 0; k < v.length; k++) v[k] = slong();
                Namespaces n = new Namespaces(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
                namespaces.add(n);
                return n;
            }
            if (i > namespaces.size()) throw new IOException("namespaces " + i + " of " + namespaces.size());
            return namespaces.get(i - 1);
        }

        FdInfo fd() throws IOException {
            int fd = sint();
            FdKind kind = FdKind.valueOf(str());
            String target = str();
            long inode = slong();
            AccessMode mode = AccessMode.valueOf(str());
            long flags = slong();
            int tag = in.readUInt32();
            FdDetail detail = switch (tag) {
                case 0 -> null;
                case 1 -> new FdDetail.File(sint(), sint(), slong(), sint(), in.readBool(), FdDetail.FileFlavor.valueOf(str()), sint(), slong());
                case 2 -> new FdDetail.AnonInode(anonKind(str()), str(), sint());
                case 3 -> new FdDetail.Terminal(ttyRole(str()), sint());
                default -> throw new IOException("an fd detail of kind " + tag);
            };
            return new FdInfo(fd, kind, target, inode, mode, flags, detail);
        }

        UnixSocket unix() throws IOException {
            long ino = slong();
            String type = str(), state = str();
            SocketName name = new SocketName(SocketName.Kind.valueOf(str()), str());
            long peer = slong(), recv = slong(), send = slong();
            int nPending = count();
            List<Long> pending = new ArrayList<>(nPending);
            for (int i = 0; i < nPending; i++) pending.add(slong());
            List<Holder> holders = holders();
            boolean external = in.readBool();
            long netNs = slong();
            return new UnixSocket(ino, type == null ? null : SocketType.valueOf(type), state == null ? null : SocketState.valueOf(state),
                    name, peer, recv, send, pending, holders, external, netNs);
        }

        Pipe pipe() throws IOException {
            long ino = slong();
            String fifo = str();
            List<Holder> readers = holders(), writers = holders();
            return new Pipe(ino, fifo, readers, writers, slong());
        }

        List<Holder> holders() throws IOException {
            int n = count();
            List<Holder> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(new Holder(sint(), sint()));
            return out;
        }

        /** A count: never more than the bytes left (every element takes at least one). */
        int count() throws IOException {
            int n = in.readUInt32();
            if (n < 0 || n > size - in.getTotalBytesRead()) throw new IOException("a count of " + Integer.toUnsignedString(n)
                    + " with " + (size - in.getTotalBytesRead()) + " bytes left");
            return n;
        }

        String str() throws IOException {
            int i = in.readUInt32();
            if (i == 0) return null;
            if (i == 1) {
                String s = in.readString();
                strings.add(s);
                return s;
            }
            if (i - 2 >= strings.size() || i < 0) throw new IOException("string " + (i - 2) + " of a table of " + strings.size());
            return strings.get(i - 2);
        }

        int sint() throws IOException { return in.readSInt32(); }

        long slong() throws IOException { return in.readSInt64(); }

        private static AnonInodeKind anonKind(String s) { return s == null ? null : AnonInodeKind.valueOf(s); }

        private static FdDetail.TtyRole ttyRole(String s) { return s == null ? null : FdDetail.TtyRole.valueOf(s); }
    }
}
