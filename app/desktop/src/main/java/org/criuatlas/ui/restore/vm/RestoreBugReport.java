package org.criuatlas.ui.restore.vm;

import org.criuatlas.plan.restore.RestorePreview;
import org.criuatlas.share.BugBundle;
import org.criuatlas.share.BugReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bug report of a failed restore, as the board saves it. */
final class RestoreBugReport {
    private RestoreBugReport() {}

    /**
     * The report of a restore from {@code imagesDir}: versions, criu check, CRIU's log {@code log},
     * its diagnosis, the exact command {@code cmd} and the preview {@code pv} of this machine (null: none).
     */
    static BugBundle collect(boolean environment, Path imagesDir, Path log, String cmd, RestorePreview pv) throws Exception {
        BugBundle b = BugReport.collect(new BugReport.Request(
                "restore of " + imagesDir, null, null, log != null && Files.isRegularFile(log) ? log : null,
                cmd, imagesDir, true, environment, org.criuatlas.bridge.AtlasVersion.version()));
        if (pv != null) {
            List<BugBundle.Entry> es = new ArrayList<>(b.entries());
            es.add(BugBundle.Entry.text("restore-preview.json",
                    org.criuatlas.json.Json.write(org.criuatlas.json.PreviewJson.of(pv)) + "\n", "how the images met this machine before the restore"));
            b = new BugBundle(b.folder(), es);
        }
        return b;
    }
}
