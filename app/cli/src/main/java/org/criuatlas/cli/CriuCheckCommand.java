package org.criuatlas.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Prints which criu binary would be used and where the setting came from. */
@Command(name = "which-criu", mixinStandardHelpOptions = true, description = "Print the criu binary CRIU Atlas uses and how it was found.")
public final class CriuCheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        var loc = CriuRunOutput.locateCriu();
        System.out.println(loc.path() + "\t(via " + loc.via() + ")");
        return ExitCode.OK.code;
    }
}
