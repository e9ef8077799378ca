package org.criuatlas.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Prints which criu binary would be used, its version and origin, and why it was chosen. */
@Command(name = "which-criu", description = "Print the criu binary CRIU Atlas uses, its version and why it was chosen.")
public final class CriuCheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        var loc = CriuRunOutput.locateCriu();
        if (loc.isEmpty()) return CriuRunOutput.USAGE;
        System.out.println(loc.get().describe());
        return 0;
    }
}
