package org.criuatlas.ui;

import org.criuatlas.bridge.images.ImageDump;

/** An image view: its own explorer window over a dump's graph, and the dump as the host read it. */
public record ImageWindow(AtlasApp.Window window, ImageDump dump) {}
