package org.criuatlas.share;

import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.json.Json;
import org.criuatlas.json.ScanJson;
import org.criuatlas.json.ShowJson;
import org.criuatlas.model.IpcGraph;

import java.util.List;

/** A snapshot as the one JSON model: a live scan as {@code scan --json} prints it, a dump as {@code show --json}. */
public final class SnapshotJson {
    private SnapshotJson() {}

    public static String live(IpcGraph g) {
        return Json.write(ScanJson.of(g)) + "\n";
    }

    public static String images(ImageDump d) {
        return Json.write(ShowJson.of(d, List.of())) + "\n";
    }
}
