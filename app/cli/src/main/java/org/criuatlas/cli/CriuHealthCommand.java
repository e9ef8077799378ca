package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.json.CheckJson;
import org.criuatlas.json.CriuRunJson;
import org.criuatlas.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code criu-atlas check}: VERSION and CHECK over CRIU's RPC. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Ask the located criu for its version and whether it works on this kernel.")
public final class CriuHealthCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the result as JSON (docs/json.md).") boolean json;

    @picocli.CommandLine.Mixin HostOption host = new HostOption();

    @Override
    public Integer call() {
        if (host.remote()) return remote();
        CriuRunOutput.requireRoot("check");
        var loc = java.util.Optional.of(CriuRunOutput.locateCriu());
        try {
            CriuResult v = CriuSession.version(loc.get().path());
            CriuResult c = CriuSession.check(loc.get().path(), null);
            java.util.List<String> hints = org.criuatlas.bridge.criu.KerndatCache.problem().stream().toList();
            if (json) {
                System.out.println(Json.write(new CheckJson(loc.get().path().toString(), loc.get().via(),
                        CriuRunJson.of("check", v, null), CriuRunJson.of("check", c, null), hints)));
            } else {
                System.out.println("criu " + loc.get().path() + " (via " + loc.get().via() + ")");
                System.out.println("version: " + (v.success() ? v.version() : "FAILED"));
                System.out.println("check: " + (c.success() ? "looks good" : "FAILED"));
                c.outputTail().forEach(l -> System.out.println("  criu: " + l));
                c.diagnoses().forEach(d -> System.out.println("  problem: " + d.what() + " " + d.fix()));
                hints.forEach(h -> System.out.println("hint: " + h));
            }
            return v.success() && c.success() ? ExitCode.OK.code : ExitCode.CRIU_FAILED.code;
        } catch (CriuException e) {
            throw e; // criu did not answer: one line on stderr, exit CRIU_NO_REPLY
        }
    }

    /** {@code --host}: what the remote bridge's hello says about its CRIU. */
    private int remote() {
        try (org.criuatlas.host.bridge.BridgeHost h = host.connect()) {
            var hello = h.hello();
            if (json) {
                System.out.println(Json.write(new org.criuatlas.json.HostCheckJson(host.name(), hello.getHostName(), hello.getKernel(),
                        hello.getUid(), hello.getVersion(), hello.getCriuPath().isEmpty() ? null : hello.getCriuPath(), hello.getCriuVia(),
                        hello.getCriuVersion().isEmpty() ? null : hello.getCriuVersion(), hello.getCriuCheckOk(), hello.getCriuCheck())));
            } else {
                System.out.println("host " + host.name() + " (" + hello.getHostName() + ", kernel " + hello.getKernel() + ", bridge uid "
                        + hello.getUid() + ", CRIU Atlas " + hello.getVersion() + ")");
                if (hello.getCriuPath().isEmpty()) {
                    System.out.println("criu: none found (" + hello.getCriuVia() + ")");
                } else {
                    System.out.println("criu " + hello.getCriuPath() + " (via " + hello.getCriuVia() + ")");
                    System.out.println("version: " + (hello.getCriuVersion().isEmpty() ? "FAILED" : hello.getCriuVersion()));
                    System.out.println("check: " + (hello.getCriuCheckOk() ? "looks good" : "FAILED: " + hello.getCriuCheck()));
                }
            }
            if (hello.getCriuPath().isEmpty()) return ExitCode.NO_CRIU.code;
            return hello.getCriuCheckOk() ? ExitCode.OK.code : ExitCode.CRIU_FAILED.code;
        }
    }
}
