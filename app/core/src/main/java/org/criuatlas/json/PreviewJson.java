package org.criuatlas.json;

import org.criuatlas.plan.restore.RestorePreview;

import java.util.List;

/**
 * {@code criu-atlas restore --images DIR --preview --json}: how the images meet the machine now
 * (docs/json.md, section restore preview). {@code blocked} is true when a conflict makes the restore fail.
 */
public record PreviewJson(int schema, String command, String images, String dumpedAt, String host, int processes,
                          boolean blocked, List<ConflictJson> conflicts, List<WiredJson> wiring, List<String> afterwards) {
    /** One conflict: kind (PID_TAKEN, SOCKET_PATH_MISSING, ...), severity (BLOCKS or WARNS). */
    public record ConflictJson(String kind, String severity, String subject, String image, String live, List<Integer> pids,
                               String advice) {}

    /** An obligation and how it would be wired. */
    public record WiredJson(String key, String object, String inheritFd, String destination) {}

    public static PreviewJson of(RestorePreview p) {
        return new PreviewJson(Json.SCHEMA_VERSION, "restore-preview", p.imagesDir().toString(),
                p.dumpedAt() == null ? null : p.dumpedAt().toString(), p.host(), p.processes(), p.blocked(),
                p.conflicts().stream().map(c -> new ConflictJson(c.kind().name(), c.severity().name(), c.subject(), c.image(), c.live(),
                        c.pids(), c.advice())).toList(),
                p.wiring().stream().map(w -> new WiredJson(w.key(), w.object(), w.argument(), w.destination())).toList(),
                p.afterwards());
    }
}
