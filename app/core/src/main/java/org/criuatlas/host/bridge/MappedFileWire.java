package org.criuatlas.host.bridge;

import java.util.List;

/** One file of a {@code mapped-files} reply: a path and the pids mapping it (the wire form of {@link org.criuatlas.host.Host#mappedFiles}). */
record MappedFileWire(String path, List<Integer> pids) {}
