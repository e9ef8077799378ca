package org.criuatlas.json;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** Every field of the JSON model is named in docs/json.md (or docs/scan-json.md), and every example there is what the model writes. */
class JsonModelDocumentedTest {
    static final List<Class<?>> DOCUMENTS = List.of(ScanJson.class, ShowJson.class, PlanJson.class, CriuRunJson.class, CheckJson.class,
            AboutJson.class);

    @Test
    void everyFieldIsDocumented() throws Exception {
        Path repo = Path.of(System.getProperty("criuatlas.repo", "../.."));
        String docs = Files.readString(repo.resolve("docs/json.md")) + Files.readString(repo.resolve("docs/scan-json.md"))
                + Files.readString(repo.resolve("docs/archives.md"));
        List<String> missing = new ArrayList<>();
        List<Class<?>> todo = new ArrayList<>(DOCUMENTS);
        todo.add(GraphJson.class);
        todo.add(StatsJson.class);
        todo.add(ObligationJson.class);
        todo.add(ArchiveJson.class);
        todo.add(MigrateJson.class);
        todo.add(PreviewJson.class);
        for (int i = 0; i < todo.size(); i++) {
            Class<?> c = todo.get(i);
            for (Class<?> nested : c.getDeclaredClasses()) if (nested.isRecord() && !todo.contains(nested)) todo.add(nested);
            if (!c.isRecord()) continue;
            for (var rc : c.getRecordComponents())
                if (!docs.contains("`" + rc.getName() + "`") && !docs.contains("\"" + rc.getName() + "\""))
                    missing.add(c.getSimpleName() + "." + rc.getName());
        }
        assertEquals(List.of(), missing, "fields not named in docs/json.md or docs/scan-json.md");
    }

    @Test
    void everyDocumentStartsWithSchemaAndCommandAndTheExamplesSayTheSame() throws Exception {
        for (Class<?> c : DOCUMENTS) {
            var rc = c.getRecordComponents();
            assertEquals("schema", rc[0].getName(), c.getSimpleName());
            assertEquals("command", rc[1].getName(), c.getSimpleName());
        }
        Path repo = Path.of(System.getProperty("criuatlas.repo", "../.."));
        Matcher m = Pattern.compile("```json\\n\\{\\n  \"schema\": (\\d+),\\n  \"command\": \"(\\w+)\"").matcher(Files.readString(repo.resolve("docs/json.md")));
        List<String> commands = new ArrayList<>();
        while (m.find()) {
            assertEquals(Json.SCHEMA_VERSION, Integer.parseInt(m.group(1)), "example of " + m.group(2));
            commands.add(m.group(2));
        }
        assertEquals(List.of("scan", "show", "plan", "dump", "check", "about"), commands, "an example for each");
    }
}
