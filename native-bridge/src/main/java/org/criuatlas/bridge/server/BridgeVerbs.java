package org.criuatlas.bridge.server;

import org.criuatlas.bridge.server.proto.BridgeProto;
import org.criuatlas.model.IpcGraph;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What a bridge does for its client once a request has been read and its fields checked
 * ({@link BridgeServer}). Implemented over the host of this machine ({@code org.criuatlas.host.bridge.HostVerbs});
 * a typed refusal is a {@link Refused}.
 */
public interface BridgeVerbs {
    /** The host's facts for hello: name, kernel, user, uid, CRIU. The server adds the protocol fields. */
    BridgeProto.HelloReply.Builder hello();

    /** A live snapshot (of {@code roots} and their descendants; everything when empty). */
    IpcGraph scan(Set<Integer> roots) throws Refused;

    /** The state letter of each pid that exists. */
    Map<Integer, Character> states(Collection<Integer> pids);

    /** A dump; {@code requestJson} is a {@code org.criuatlas.host.DumpRequest}. Events and the outcome are JSON replies. */
    Running dump(byte[] requestJson, Consumer<BridgeProto.JsonReply> events) throws Refused;

    /** A restore; {@code requestJson} is a {@code org.criuatlas.host.RestoreRequest}. */
    Running restore(byte[] requestJson, Consumer<BridgeProto.JsonReply> events) throws Refused;

    /** Reads a dump's images. */
    BridgeProto.JsonReply openImages(Path path) throws Refused;

    /** What a restore of the dump in {@code path} would meet on this machine (read only). */
    BridgeProto.JsonReply previewRestore(Path path) throws Refused;

    /** The trust gate's verdict on a restore from {@code path}, asked before the restore (read only). */
    BridgeProto.JsonReply restoreTrust(Path path) throws Refused;

    /** Checks a folder for a dump, or names a new one under {@code path}. */
    BridgeProto.JsonReply folder(BridgeProto.FolderRequest request) throws Refused;

    /** A CRIU log, at most {@code maxBytes}. */
    String readLog(Path path, long maxBytes) throws Refused;

    /** Probes this host's CRIU (the calibration); events are progress. */
    Running calibrate(BridgeProto.CalibrateRequest request, Consumer<BridgeProto.JsonReply> events) throws Refused;

    /** What is at each path now (links followed, as CRIU's reopen does; an ELF file's build-id too): {@code path-facts}. */
    BridgeProto.JsonReply statPaths(List<Path> paths) throws Refused;

    /**
     * The files {@code pids} map, from /proc/PID/maps ({@code mapped-files}: path to the pids mapping it);
     * a process gone meanwhile is left out.
     */
    BridgeProto.JsonReply mappedFiles(List<Integer> pids) throws Refused;

    /** The regular files of an image folder with their sizes and SHA-256 ({@code image-files}). */
    BridgeProto.JsonReply listImages(Path folder) throws Refused;

    /** At most {@code length} bytes of {@code name} in {@code folder} from {@code offset} (fewer at its end, none past it). */
    byte[] readImages(Path folder, String name, long offset, int length) throws Refused;

    /** Makes a new 0700 folder under {@code parent} (null: the default one) to receive a dump's images; it is the only
     *  folder {@link #writeImages} writes into. */
    BridgeProto.JsonReply receiveImages(Path parent, int rootPid, String at) throws Refused;

    /** Writes {@code data} at {@code offset} of {@code name} in a folder {@link #receiveImages} made. */
    void writeImages(Path folder, String name, long offset, byte[] data) throws Refused;

    /** Checks the received files against the source's list (names, sizes, SHA-256) and marks the folder complete. */
    BridgeProto.JsonReply finishImages(Path folder, byte[] filesJson) throws Refused;

    /**
     * podman's checkpoint or restore of a container; {@code requestJson} is a {@code org.criuatlas.host.ContainerRequest}.
     * Events are podman's lines (host events); the outcome is a {@code container-outcome}.
     */
    Running container(byte[] requestJson, Consumer<BridgeProto.JsonReply> events) throws Refused;

    /**
     * Follows the console end {@code key} kept for the tree restored with root {@code rootPid}: {@code data} gets the
     * text read so far, then each read as it comes (never on a thread that must not wait); the result ({@code console-ended},
     * its reason as a JSON string) comes when the end closes. Cancel detaches: the end stays open.
     */
    Running console(int rootPid, String key, Consumer<BridgeProto.ConsoleData> data) throws Refused;

    /** Writes {@code data} to that console end (whole: one packet on a datagram socket); answers the counters after it. */
    BridgeProto.ConsoleData consoleSend(int rootPid, String key, byte[] data) throws Refused;

    /**
     * Where a dump's or restore's events go. A CRIU log line may travel in a batch ({@link LogBatches}, when the
     * client asked for them); otherwise, and by default, as the JSON event {@code asJson} makes.
     */
    interface Events extends Consumer<BridgeProto.JsonReply> {
        default void logLine(org.criuatlas.bridge.criu.log.CriuLogLine line, java.time.Instant at, java.util.function.Supplier<BridgeProto.JsonReply> asJson) {
            accept(asJson.get());
        }

        /** {@code events} as Events: itself, or sending every log line as JSON. */
        static Events of(Consumer<BridgeProto.JsonReply> events) {
            return events instanceof Events e ? e : events::accept;
        }
    }

    /** A long operation in flight. */
    interface Running {
        CompletableFuture<BridgeProto.JsonReply> result();

        void cancel();
    }

    /** A request the bridge refuses, with the code the client sees. */
    final class Refused extends Exception {
        private final BridgeProto.Error.Code code;

        public Refused(BridgeProto.Error.Code code, String message) {
            super(message);
            this.code = code;
        }

        public BridgeProto.Error.Code code() { return code; }
    }

    /** The verbs of protocol 1, as hello lists them. */
    List<String> VERBS = List.of("hello", "scan", "plan_inputs", "dump", "restore", "open_images", "calibrate", "cancel",
            "folder", "read_log", "preview_restore", "restore_trust", "stat_paths", "list_images", "read_images",
            "receive_images", "write_images", "finish_images", "mapped_files", "console", "console_send", "container");
}
