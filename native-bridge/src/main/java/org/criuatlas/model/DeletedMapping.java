package org.criuatlas.model;

/**
 * A file a process maps whose name is gone ({@code /proc/PID/maps} says {@code " (deleted)"}): most
 * often a program or library replaced by a package upgrade while the process ran. CRIU carries it in
 * the images as a ghost file, up to its ghost limit (1 MiB by default: "Can't dump ghost file PATH of
 * N size, increase limit"), or needs {@code --link-remap} when the inode still has another name.
 * SysV segments, memfds and {@code /dev/zero} mappings are not these: CRIU dumps them its own way.
 *
 * @param path  the path it had, as maps shows it without {@code " (deleted)"}
 * @param ino   its inode (the maps column)
 * @param size  its size now, -1 when it could not be read (/proc/PID/map_files needs privilege)
 * @param nlink its links now (0: no name left, a ghost), -1 when unknown
 */
public record DeletedMapping(String path, long ino, long size, int nlink) {}
