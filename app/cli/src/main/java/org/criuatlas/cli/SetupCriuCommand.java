package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.criu.CriuProvisioning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code criu-atlas setup-criu}: makes a CRIU >= 4 available through the project's
 * provision-criu.sh (the route CI verifies), after saying what it will do and asking.
 */
@Command(name = "setup-criu", mixinStandardHelpOptions = true,
        description = {"Provide a working CRIU >= 4: download CRIU and its libraries from Debian's archive into "
                + "a private folder (~/.cache/criu-atlas; the system's packages and apt sources are not touched), "
                + "or check a criu you already have (--use). As root, `criu check` must pass. The path is recorded "
                + "where CRIU Atlas looks for it (see which-criu)."})
public final class SetupCriuCommand implements Callable<Integer> {
    @Option(names = "--use", paramLabel = "CRIU", description = "Check and record this criu binary (CRIU >= 4) instead of downloading one.")
    Path use;

    @Option(names = {"-y", "--yes"}, description = "Do not ask before downloading.")
    boolean yes;

    @Override
    public Integer call() {
        Optional<Path> script = CriuProvisioning.script();
        if (script.isEmpty()) {
            throw new CliException(ExitCode.NOT_FOUND, CriuProvisioning.SCRIPT + " is not part of this installation "
                    + "(-D" + CriuProvisioning.SCRIPTS_PROPERTY + " names its folder)");
        }
        if (use == null) {
            System.err.println("""
                    CRIU Atlas needs CRIU 4 or later to dump and restore (Debian 12's criu 3.17 fails on current kernels).
                    This downloads CRIU and its libraries from Debian's archive with a private apt configuration,
                    unpacks them into %s (nothing on the system changes) and checks them%s."""
                    .formatted(CriuLocator.atlasHome(), CriuProvisioning.asRoot() ? " with `criu check`" : " (`criu check` needs root: skipped)"));
            if (!yes && !confirm()) {
                throw new CliException(ExitCode.USAGE, "nothing done (run with --yes to skip the question, "
                        + "or --use CRIU to point at a criu you have)");
            }
        }
        try {
            CriuProvisioning run = CriuProvisioning.start(script.get(), use, line -> System.err.println("  " + line));
            Runtime.getRuntime().addShutdownHook(new Thread(run::cancel));
            Path criu = run.await();
            System.out.println(criu);
            System.err.println("criu-atlas setup-criu: ready: " + criu);
            return ExitCode.OK.code;
        } catch (CriuProvisioning.ProvisioningException e) {
            throw new CliException(ExitCode.NO_CRIU, e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException(ExitCode.NO_CRIU, "cannot run " + script.get() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.CRIU_NO_REPLY, "interrupted", e);
        }
    }

    private static boolean confirm() {
        if (System.console() == null) {
            System.err.println("criu-atlas setup-criu: no terminal to ask on");
            return false;
        }
        System.err.print("Download and set up CRIU now? [y/N] ");
        System.err.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
        } catch (IOException e) {
            return false;
        }
    }
}
