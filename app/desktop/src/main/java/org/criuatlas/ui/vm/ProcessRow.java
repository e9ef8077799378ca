package org.criuatlas.ui.vm;

/**
 * One line of the process table, in tree order.
 *
 * @param pid        process id
 * @param ppid       parent pid
 * @param depth      generations below its root (the table indents by it)
 * @param comm       short name
 * @param command    the full command line
 * @param uid        real uid, -1 unknown
 * @param sockets    unix sockets it holds
 * @param pipes      pipes and FIFOs it holds
 * @param fds        a fingerprint of its open fds (kind, inode, file path): a row whose fds changed is a
 *                   changed row, so a search in progress looks at it again. What the search matches
 *                   (inodes, socket names, paths) is not kept in the row: it is made from the current
 *                   snapshot when someone searches ({@link SearchIndex}), not for every row at every
 *                   refresh.
 */
public record ProcessRow(int pid, int ppid, int depth, String comm, String command, int uid, int sockets, int pipes,
                         long fds) {
    /** The command indented by depth, for the tree-shaped command column. */
    public String indentedCommand() {
        return "  ".repeat(Math.min(depth, 40)) + comm + "  " + (command.startsWith("[") ? "" : command);
    }
}
