package org.criuatlas.host;

import org.criuatlas.bridge.calibrate.CalibrationEntry;
import org.criuatlas.bridge.calibrate.CalibrationReport;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.restore.RestorePreview;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything the window asks of a machine: what runs there (a live snapshot), what the planner needs
 * to know live (which processes are still alive, which CRIU and what it can do, the kernel), dump and
 * restore (progress events, cancel, the restore's kept ends as streams), reading a dump's images and a
 * CRIU log. {@link LocalHost} answers in this process; a bridge (issue 12: {@code criu-atlas bridge},
 * local through pkexec or remote through ssh) answers the same calls from another process.
 * <p>
 * So that a protocol can carry it, requests and results are plain records (the model's records,
 * {@link org.criuatlas.bridge.criu.CriuOptions}, {@link org.criuatlas.bridge.criu.CriuResult}...),
 * long operations are {@link HostOperation handles} with {@link HostEvent events} and cancel, and
 * paths are paths on the host. Quick questions block: callers run them off the FX thread.
 */
public interface Host extends AutoCloseable {
    /** The machine: name, kernel, user. Quick. */
    HostInfo info();

    /** Which CRIU the host uses, its version and {@code criu check}'s verdict. Blocking (runs criu). */
    CriuStatus criuStatus();

    /** A live snapshot of processes, sockets and pipes. Blocking. */
    IpcGraph scan() throws Exception;

    /** A live snapshot of these processes and their descendants only (a bug report's scan). Blocking. */
    default IpcGraph scanSubtrees(java.util.Set<Integer> roots) throws Exception {
        return scan();
    }

    /**
     * The state letter ({@code /proc/PID/stat}: R, S, T, Z...) of each pid that exists; a pid that is
     * gone is absent from the answer.
     */
    Map<Integer, Character> processStates(Collection<Integer> pids);

    /**
     * Returns once {@code pid} is gone (a zombie counts as gone). This default asks {@link #processStates} once a
     * second (a bridge: one small request each); this machine's host is woken by the kernel instead (a pidfd).
     */
    default void awaitEnd(int pid) throws InterruptedException {
        while (processStates(java.util.List.of(pid)).getOrDefault(pid, 'Z') != 'Z') Thread.sleep(1000);
    }

    /** Where dumps and container archives go by default on this host: its user's {@code ~/criu-atlas-dumps}. */
    default Path dumpsFolder() {
        return Path.of(System.getProperty("user.home"), "criu-atlas-dumps");
    }

    /** Whether {@code folder} may receive a dump's images (only a new or empty folder may). */
    FolderCheck checkImagesFolder(Path folder);

    /** A folder under {@code parent} (the default one when null) that does not exist yet, named after the root and the time. */
    Path newImagesFolder(Path parent, int rootPid, LocalDateTime at);

    /** Dumps as asked: prepares the folder, runs criu, then checks in /proc whether the target still runs. */
    HostOperation<DumpOutcome> dump(DumpRequest request, Consumer<HostEvent> events);

    /** Restores as the wiring plan says; a restored tree's kept ends come back as streams. */
    HostOperation<RestoreResult> restore(RestoreRequest request, Consumer<HostEvent> events);

    /** Reads a dump's images (and when they were written). Blocking. */
    OpenedImages openImages(Path dir) throws ImageFormatException;

    /**
     * How the dump in {@code dir} would meet this machine now: pids of the image in use, named socket
     * paths gone or taken, files missing or changed, how the obligations would be wired. Blocking
     * (reads the images, scans the machine).
     */
    RestorePreview previewRestore(Path dir) throws ImageFormatException;

    /**
     * Calibrates the host's CRIU: dumps (and restores) the probe processes of the calibration catalogue
     * ({@code kinds}: only these kinds, empty: all) with {@code parallelism} probes at a time (0: the
     * engine's default) and, when {@code write}, keeps the result in the host's calibration cache for
     * its CRIU version and kernel. {@code steps} sees each measured cell (on a worker thread). The
     * result fails with IllegalArgumentException for an unknown kind, IllegalStateException without root
     * or criu. Cancel stops the running probes; the report then is incomplete and not written.
     */
    HostOperation<CalibrationReport> calibrate(int parallelism, List<String> kinds, boolean write, Consumer<CalibrationEntry> steps);

    /**
     * What the restore gate ({@link RestoreGate}) would say of {@code dir} now, so a window can show it
     * before Restore is pressed; empty when this host cannot tell ahead (it still gates the restore
     * itself and answers {@link RestoreResult.NeedsConfirmation}). Blocking (reads the file system).
     */
    default java.util.Optional<RestoreGate.Verdict> restoreTrust(Path dir) {
        return java.util.Optional.empty();
    }

    /**
     * This machine's boot id ({@code /proc/sys/kernel/random/boot_id}); two hosts with the same one are
     * one machine (a migration then knows the tree's own pids and sockets are freed by its dump). Null when unknown.
     */
    default String bootId() {
        return null;
    }

    // ---- moving a dump to another host (docs/bridge.md "Migration"); blocking -------------------

    /** What is at each absolute path now (links followed, as CRIU's reopen follows them; an ELF file's build-id too). */
    default Map<String, org.criuatlas.plan.restore.RestorePreviewer.LiveFile> statPaths(List<String> paths) throws IOException {
        throw new UnsupportedOperationException("this host cannot look at paths");
    }

    /**
     * The files {@code pids} map now (their programs, libraries and mapped data files; not deleted
     * ones), path to the pids mapping it, paths sorted. CRIU maps each again by path at restore and
     * refuses one whose size or ELF build-id changed. A process gone meanwhile is left out.
     *
     * @throws UnsupportedOperationException when this host cannot say (a bridge that predates the question)
     */
    default java.util.SortedMap<String, List<Integer>> mappedFiles(Collection<Integer> pids) throws IOException {
        throw new UnsupportedOperationException("this host cannot list mapped files");
    }

    /** The regular files of the image folder {@code dir}, each with its size and SHA-256. */
    default List<ImageFile> listImages(Path dir) throws IOException {
        throw new UnsupportedOperationException("this host cannot send images");
    }

    /** Up to {@code length} bytes of the image file {@code name} in {@code dir} from {@code offset}. */
    default byte[] readImages(Path dir, String name, long offset, int length) throws IOException {
        throw new UnsupportedOperationException("this host cannot send images");
    }

    /** A new 0700 folder under {@code parent} (null: the default one) that will receive a dump's images. */
    default Path receiveImages(Path parent, int rootPid, LocalDateTime at) throws IOException {
        throw new UnsupportedOperationException("this host cannot receive images");
    }

    /** Writes a chunk into a folder {@link #receiveImages} made. */
    default void writeImages(Path folder, String name, long offset, byte[] data) throws IOException {
        throw new UnsupportedOperationException("this host cannot receive images");
    }

    /** Checks every received file against the source's list (size, SHA-256) and marks the folder complete. */
    default List<ImageFile> finishImages(Path folder, List<ImageFile> files) throws IOException {
        throw new UnsupportedOperationException("this host cannot receive images");
    }

    /**
     * Runs the container engine's own checkpoint or restore ({@code podman container checkpoint --export …},
     * {@code podman container restore --import …}) on the host: podman's output lines come as
     * {@link HostEvent.Step} events named "podman", cancel stops podman, a failure is explained from
     * podman's error and CRIU's log. Running podman needs root, like a dump: a bridge runs it after checking the
     * request. A host that cannot run it (an older bridge) answers {@link ContainerOutcome.Kind#UNSUPPORTED}.
     */
    default HostOperation<ContainerOutcome> container(ContainerRequest request, Consumer<HostEvent> events) {
        return new HostOperation<>(java.util.concurrent.CompletableFuture.completedFuture(ContainerOutcome.unsupported(
                "podman " + String.join(" ", request.arguments()),
                "this host cannot run podman for the window")), () -> {});
    }

    /** A CRIU log as text; refuses files larger than {@code maxBytes}. Blocking. */
    String readLog(Path log, long maxBytes) throws IOException;

    /** Stops what the host started for this window (running operations are cancelled). */
    @Override
    void close();
}
