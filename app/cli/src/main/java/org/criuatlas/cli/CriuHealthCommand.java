package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code criu-atlas check}: VERSION and CHECK over CRIU's RPC. */
@Command(name = "check", description = "Ask the located criu for its version and whether it works on this kernel.")
public final class CriuHealthCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the result as JSON.") boolean json;

    @Override
    public Integer call() {
        var loc = CriuRunOutput.locateCriu();
        if (loc.isEmpty()) return CriuRunOutput.USAGE;
        try {
            CriuResult v = CriuSession.version(loc.get().path());
            CriuResult c = CriuSession.check(loc.get().path(), null);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("criu", loc.get().path().toString());
                m.put("via", loc.get().via());
                m.put("version", CriuRunOutput.toMap(v, null));
                m.put("check", CriuRunOutput.toMap(c, null));
                System.out.println(CriuRunOutput.toJson(m));
            } else {
                System.out.println("criu " + loc.get().path() + " (via " + loc.get().via() + ")");
                System.out.println("version: " + (v.success() ? v.version() : "FAILED"));
                System.out.println("check: " + (c.success() ? "looks good" : "FAILED"));
                c.outputTail().forEach(l -> System.out.println("  criu: " + l));
                c.diagnoses().forEach(d -> System.out.println("  problem: " + d.what() + " " + d.fix()));
            }
            return v.success() && c.success() ? CriuRunOutput.OK : CriuRunOutput.CRIU_FAILED;
        } catch (CriuException e) {
            System.err.println("criu-atlas check: " + e.getMessage());
            return CriuRunOutput.NO_REPLY;
        }
    }
}
