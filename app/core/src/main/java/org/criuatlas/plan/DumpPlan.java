package org.criuatlas.plan;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.model.RestoreObligation;

import java.util.List;

/**
 * The plan of one {@code criu dump -t ROOT}: what is dumped, every object that crosses the
 * boundary, the checks on the whole tree, the options that follow from the user's decisions, and
 * what the restore will have to be given.
 *
 * @param root          the pid given to criu
 * @param rootCommand   its command line, for people
 * @param dumped        every pid that will be dumped (the root's subtree, breadth first)
 * @param checks        checks on the whole dump
 * @param crossings     objects that cross the boundary
 * @param options       the CRIU options the decisions lead to (pid, shell job, ext_unix_sk, external keys)
 * @param obligations   what the restore must be given
 * @param outcome       the verdict with the current decisions
 * @param firstError    the error line CRIU will print first when the dump fails, else null
 * @param reasons       why the dump would fail or cannot be predicted (empty when it will succeed)
 * @param warnings      what will dump but break or change at restore
 * @param objects       the objects CRIU judges one by one (inet sockets, locks, SysV IPC, anon inodes, namespaces, ...)
 * @param basis         the CRIU the plan was made for and where its verdicts come from
 *                      ("calibrated against CRIU 4.2.1 on Linux 6.18.44", "rules ...")
 */
public record DumpPlan(int root, String rootCommand, List<Integer> dumped, List<PlanCheck> checks,
                       List<Crossing> crossings, CriuOptions options, List<RestoreObligation> obligations,
                       Outcome outcome, CriuError firstError, List<String> reasons, List<String> warnings,
                       List<ObjectVerdict> objects, String basis) {
    public DumpPlan(int root, String rootCommand, List<Integer> dumped, List<PlanCheck> checks,
                    List<Crossing> crossings, CriuOptions options, List<RestoreObligation> obligations,
                    Outcome outcome, CriuError firstError, List<String> reasons, List<String> warnings) {
        this(root, rootCommand, dumped, checks, crossings, options, obligations, outcome, firstError, reasons, warnings, List.of(), "");
    }

    public DumpPlan {
        objects = objects == null ? List.of() : List.copyOf(objects);
        basis = basis == null ? "" : basis;
        dumped = List.copyOf(dumped);
        checks = List.copyOf(checks);
        crossings = List.copyOf(crossings);
        obligations = List.copyOf(obligations);
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
    }

    /** Will {@code criu dump} succeed as planned? */
    public boolean willSucceed() { return outcome.dumps(); }
}
