package org.criuatlas.json;

/** {@code criu-atlas check --json}: which criu, and its answers to VERSION and CHECK. */
public record CheckJson(int schema, String command, String criu, String via, CriuRunJson version, CriuRunJson check, java.util.List<String> hints) {
    public CheckJson(String criu, String via, CriuRunJson version, CriuRunJson check, java.util.List<String> hints) {
        this(Json.SCHEMA_VERSION, "check", criu, via, version, check, hints);
    }
}
