package org.criuatlas.host;

/**
 * The machine a {@link Host} stands for, in words the About box and the title bar show.
 *
 * @param name    host name
 * @param kernel  kernel release ({@code uname -r})
 * @param user    the user the host side runs as
 * @param local   true for this machine in this process (no bridge in between)
 */
public record HostInfo(String name, String kernel, String user, boolean local) {
    /** "this machine (kernel 6.18.44, root)". */
    public String describe() {
        return (local ? "this machine" : name) + " (kernel " + kernel + ", " + user + ")";
    }
}
