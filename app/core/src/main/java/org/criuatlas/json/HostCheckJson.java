package org.criuatlas.json;

/**
 * {@code criu-atlas check --host DEST --json}: the remote bridge's CRIU as its hello reports it
 * (located criu, {@code criu --version}, {@code criu check}'s verdict), with the host it runs on.
 */
public record HostCheckJson(int schema, String command, String host, String hostName, String kernel, int uid, String bridgeVersion,
                            String criu, String via, String criuVersion, boolean checkOk, String check) {
    public HostCheckJson(String host, String hostName, String kernel, int uid, String bridgeVersion, String criu, String via,
                         String criuVersion, boolean checkOk, String check) {
        this(Json.SCHEMA_VERSION, "check", host, hostName, kernel, uid, bridgeVersion, criu, via, criuVersion, checkOk, check);
    }
}
