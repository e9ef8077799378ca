package org.criuatlas.plan.suggest;

/**
 * What a suggestion costs at restore, for ranking: fewer is cheaper, in this order.
 *
 * @param obligations      things the restore must be handed (replacement fds, a terminal...)
 * @param connectionsLost  connections whose other end stays outside: at restore they are replaced or
 *                         reconnected, and whatever state they had (a D-Bus session, queued data) is gone
 * @param processesAdded   processes the new root takes along beyond the ones asked for
 */
public record RestoreCost(int obligations, int connectionsLost, int processesAdded) implements Comparable<RestoreCost> {
    /** One number for the first ranking key: what the person must deal with at restore. */
    public int atRestore() {
        return obligations + connectionsLost;
    }

    @Override
    public int compareTo(RestoreCost o) {
        int c = Integer.compare(atRestore(), o.atRestore());
        return c != 0 ? c : Integer.compare(processesAdded, o.processesAdded);
    }

    /** "2 restore obligations, 1 connection lost, 3 more processes". */
    public String text() {
        return obligations + " restore obligation" + (obligations == 1 ? "" : "s") + ", " + connectionsLost + " connection"
                + (connectionsLost == 1 ? "" : "s") + " lost" + (processesAdded > 0 ? ", " + processesAdded + " more process"
                + (processesAdded == 1 ? "" : "es") : "");
    }
}
