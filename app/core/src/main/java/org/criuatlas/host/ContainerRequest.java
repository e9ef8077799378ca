package org.criuatlas.host;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A container checkpoint or restore as the window asks a host for it: the engine's own command runs on the
 * host (CRIU Atlas never re-implements podman). Paths are paths on the host.
 */
public sealed interface ContainerRequest {
    /** podman's arguments after {@code podman}. */
    List<String> arguments();

    /** What it is, in a few words ("checkpoint of web", "restore of /tmp/web.tar.zst"). */
    String title();

    /**
     * {@code podman container checkpoint --export ARCHIVE [--leave-running] [--tcp-established] [--file-locks] CONTAINER}.
     */
    record Checkpoint(String container, Path archive, boolean leaveRunning, boolean tcpEstablished, boolean fileLocks)
            implements ContainerRequest {
        public Checkpoint {
            Objects.requireNonNull(container, "container");
            Objects.requireNonNull(archive, "archive");
        }

        @Override
        public List<String> arguments() {
            List<String> a = new java.util.ArrayList<>(List.of("container", "checkpoint", "--export", archive.toString()));
            if (leaveRunning) a.add("--leave-running");
            if (tcpEstablished) a.add("--tcp-established");
            if (fileLocks) a.add("--file-locks");
            a.add(container);
            return a;
        }

        @Override
        public String title() { return "checkpoint of container " + container; }
    }

    /** {@code podman container restore --import ARCHIVE [--name NAME] [--tcp-established] [--file-locks]}. */
    record Restore(Path archive, String name, boolean tcpEstablished, boolean fileLocks) implements ContainerRequest {
        public Restore {
            Objects.requireNonNull(archive, "archive");
            name = name == null || name.isBlank() ? null : name.trim();
        }

        @Override
        public List<String> arguments() {
            List<String> a = new java.util.ArrayList<>(List.of("container", "restore", "--import", archive.toString()));
            if (name != null) a.addAll(List.of("--name", name));
            if (tcpEstablished) a.add("--tcp-established");
            if (fileLocks) a.add("--file-locks");
            return a;
        }

        @Override
        public String title() { return "restore of " + archive.getFileName() + (name == null ? "" : " as " + name); }
    }
}
