/**
 * The graph model shared by everything: one immutable {@link org.criuatlas.model.IpcGraph}
 * snapshot of processes, their fds, unix sockets and pipes, filled either by a live scan of
 * /proc + sock_diag or by reading a CRIU image directory. Object keys use CRIU's own spelling
 * ({@code socket:[INO]}, {@code pipe:[INO]}), so a key shown in the UI is the one CRIU expects.
 */
package org.criuatlas.model;
