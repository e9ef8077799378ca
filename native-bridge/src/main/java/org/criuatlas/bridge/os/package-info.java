/**
 * What the rest of CRIU Atlas needs from the operating system, as named, tested types: an open file
 * descriptor ({@link org.criuatlas.bridge.os.Fd}: read/write/send/recv/poll, closed once), pipe and
 * socketpair factories, a unix-socket connect, and a child process started with chosen fds
 * ({@link org.criuatlas.bridge.os.ChildProcess}: poll, wait, terminate). Built on the one libc binding,
 * {@code bridge.criu.LibC}; errors are {@link org.criuatlas.bridge.os.SyscallException} naming the call.
 * Code outside native-bridge uses these and never libc or JNA (checked by the architecture tests).
 */
package org.criuatlas.bridge.os;
