package org.criuatlas.bridge.server;

import org.criuatlas.model.FileLock;
import org.criuatlas.model.InetSocket;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.MountTable;
import org.criuatlas.model.NetlinkSocket;
import org.criuatlas.model.PacketSocket;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;
import org.criuatlas.model.SysvMessageQueue;
import org.criuatlas.model.SysvSemaphoreSet;
import org.criuatlas.model.SysvSharedMemory;
import org.criuatlas.model.UnixSocket;

import java.util.List;

/** An {@link IpcGraph} as its builder takes it: what goes on the wire (the indexes are rebuilt on arrival). */
public record GraphWire(IpcGraph.Meta meta, List<ProcessInfo> processes, List<UnixSocket> unixSockets, List<Pipe> pipes,
                        List<InetSocket> inetSockets, List<NetlinkSocket> netlinkSockets, List<PacketSocket> packetSockets,
                        List<FileLock> fileLocks, List<SysvSharedMemory> sysvShm, List<SysvSemaphoreSet> sysvSemaphores,
                        List<SysvMessageQueue> sysvMessageQueues, List<MountTable> mountTables, List<ScanProblem> problems) {
    public GraphWire {
        processes = orEmpty(processes);
        unixSockets = orEmpty(unixSockets);
        pipes = orEmpty(pipes);
        inetSockets = orEmpty(inetSockets);
        netlinkSockets = orEmpty(netlinkSockets);
        packetSockets = orEmpty(packetSockets);
        fileLocks = orEmpty(fileLocks);
        sysvShm = orEmpty(sysvShm);
        sysvSemaphores = orEmpty(sysvSemaphores);
        sysvMessageQueues = orEmpty(sysvMessageQueues);
        mountTables = orEmpty(mountTables);
        problems = orEmpty(problems);
        if (meta == null) throw new IllegalArgumentException("a graph without meta");
    }

    private static <T> List<T> orEmpty(List<T> l) { return l == null ? List.of() : l; }

    public static GraphWire of(IpcGraph g) {
        return new GraphWire(g.meta(), List.copyOf(g.processes().values()), List.copyOf(g.sockets().values()),
                List.copyOf(g.pipes().values()), g.inetSockets(), List.copyOf(g.netlinkSockets().values()),
                List.copyOf(g.packetSockets().values()), g.fileLocks(), g.sysvShm(), g.sysvSemaphores(), g.sysvMessageQueues(),
                List.copyOf(g.mountTables().values()), g.problems());
    }

    public IpcGraph graph() {
        return IpcGraph.builder(meta).processes(processes).unixSockets(unixSockets).pipes(pipes).inetSockets(inetSockets)
                .netlinkSockets(netlinkSockets).packetSockets(packetSockets).fileLocks(fileLocks).sysvShm(sysvShm)
                .sysvSemaphores(sysvSemaphores).sysvMessageQueues(sysvMessageQueues).mountTables(mountTables)
                .problems(problems).build();
    }
}
