package org.criuatlas.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The one way CRIU Atlas writes JSON: Jackson over the explicit records of this package (never the
 * model classes themselves, so the wire format changes only when a record here does). Every document
 * carries {@link #SCHEMA_VERSION}; docs/json.md describes each.
 */
public final class Json {
    /**
     * The version of the JSON model. 2: one model for scan, show, plan, dump, restore and check
     * (version 1 was scan's own, docs/scan-json.md before this change).
     */
    public static final int SCHEMA_VERSION = 2;

    private static final ObjectMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final ObjectMapper COMPACT = JsonMapper.builder().build();

    private Json() {}

    /** Indented JSON text of one of this package's records. */
    public static String write(Object document) {
        return write(document, true);
    }

    public static String write(Object document, boolean pretty) {
        try {
            return (pretty ? PRETTY : COMPACT).writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + document.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Indented JSON of {@code document} with every field named in {@code leaveOut} (at any depth)
     * replaced by null: for sharing a document without, say, process command lines.
     */
    public static String writeWithout(Object document, java.util.Set<String> leaveOut) {
        com.fasterxml.jackson.databind.JsonNode tree = PRETTY.valueToTree(document);
        blank(tree, leaveOut);
        try {
            return PRETTY.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + document.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static void blank(com.fasterxml.jackson.databind.JsonNode n, java.util.Set<String> leaveOut) {
        if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            for (String f : leaveOut) if (o.has(f)) o.putNull(f);
            o.elements().forEachRemaining(c -> blank(c, leaveOut));
        } else if (n != null && n.isArray()) {
            n.elements().forEachRemaining(c -> blank(c, leaveOut));
        }
    }

    /** Streams a large document (a whole-machine scan) to {@code out} without building the text first; leaves it open. */
    public static void write(Object document, boolean pretty, OutputStream out) throws IOException {
        (pretty ? PRETTY : COMPACT).writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(out, document);
    }
}
