package org.criuatlas.cli;

import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.host.LocalHost;
import org.criuatlas.json.Json;
import org.criuatlas.json.PreviewJson;
import org.criuatlas.plan.restore.RestorePreview;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@code criu-atlas restore --images DIR --preview}: the restore preview as text or JSON. */
final class RestorePreviewOutput {
    private RestorePreviewOutput() {}

    static int run(Path images, boolean json) {
        RestorePreview p;
        try (LocalHost host = new LocalHost(Runnable::run)) {
            p = host.previewRestore(images.toAbsolutePath());
        } catch (ImageFormatException e) {
            throw new CliException(e.kind() == ImageFormatException.Kind.NOT_A_DUMP ? ExitCode.NOT_FOUND : ExitCode.UNREADABLE,
                    e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof CliException) throw e;
            throw new CliException(ExitCode.UNREADABLE, "cannot compare the images with this machine: " + e.getMessage(), e);
        }
        PrintStream out = System.out;
        if (json) out.println(Json.write(PreviewJson.of(p)));
        else print(out, p);
        out.flush();
        return p.blocked() ? ExitCode.CHECK_SAYS_NO.code : ExitCode.OK.code;
    }

    static void print(PrintStream out, RestorePreview p) {
        out.printf("Restore preview of %s (%d processes%s) on %s%n", p.imagesDir(), p.processes(),
                p.dumpedAt() == null ? "" : ", dumped " + p.dumpedAt(), p.host());
        out.println(p.blocked() ? "Verdict: the restore would fail as things stand." : "Verdict: nothing on this machine blocks the restore.");
        out.println();
        out.println("Conflicts");
        if (p.conflicts().isEmpty()) out.println("  none");
        for (RestorePreview.Conflict c : p.conflicts()) {
            out.printf("  %-6s %-19s %s%n", c.severity(), c.kind(), c.subject());
            out.printf("         image: %s%n         now:   %s%n         do:    %s%n", c.image(), c.live(), c.advice());
        }
        out.println();
        out.println("Wiring of the obligations");
        if (p.wiring().isEmpty()) out.println("  none: every connection has both ends in the dump");
        for (RestorePreview.Wired w : p.wiring()) {
            out.printf("  %s  --inherit-fd %s  %s%n      %s%n", w.key(), w.argument(), w.destination(), w.object());
        }
        out.println();
        out.println("Afterwards");
        for (String a : p.afterwards()) out.println("  - " + a);
    }
}
