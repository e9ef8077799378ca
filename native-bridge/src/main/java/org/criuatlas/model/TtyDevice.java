package org.criuatlas.model;

/**
 * A terminal device by its numbers, as /proc/PID/stat's tty_nr encodes it.
 *
 * @param major device major (136-143: pty slaves, 4: virtual consoles and serial, 5: /dev/tty,
 *              /dev/console, /dev/ptmx)
 * @param minor device minor
 */
public record TtyDevice(int major, int minor) {
    /** tty_nr packs major in bits 8-15 and minor in bits 0-7 and 20-31 (the kernel's new_encode_dev). */
    public static TtyDevice fromTtyNr(long ttyNr) {
        int v = (int) ttyNr;
        return new TtyDevice((v >>> 8) & 0xfff, (v & 0xff) | ((v >>> 12) & 0xfff00));
    }

    public boolean isPtySlave() { return major >= 136 && major <= 143; }

    /** The device path as udev names it: /dev/pts/N, /dev/ttyN, /dev/ttySN, /dev/console; else major:minor. */
    public String path() {
        if (isPtySlave()) return "/dev/pts/" + ((major - 136) * 256 + minor);
        if (major == 4 && minor < 64) return "/dev/tty" + minor;
        if (major == 4) return "/dev/ttyS" + (minor - 64);
        if (major == 5 && minor == 1) return "/dev/console";
        return major + ":" + minor;
    }
}
