package org.criuatlas.host;

import org.criuatlas.bridge.images.ImageDump;

import java.time.Instant;

/**
 * A dump's images as read on the host.
 *
 * @param dump     what the images hold (the graph, the restore obligations, CRIU's statistics)
 * @param dumpedAt when CRIU wrote them (stats-dump, else inventory.img modification time), null when unknown
 * @param archive  whether they came from a container checkpoint archive (a file, restored by its
 *                 engine: {@code podman container restore --import}) rather than an image folder
 */
public record OpenedImages(ImageDump dump, Instant dumpedAt, boolean archive) {}
