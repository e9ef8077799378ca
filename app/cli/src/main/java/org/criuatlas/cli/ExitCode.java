package org.criuatlas.cli;

/**
 * The exit statuses of {@code criu-atlas}, one meaning each, the same for every command. Documented in
 * docs/exit-codes.md (a test keeps that table and this enum equal) and the README.
 */
public enum ExitCode {
    OK(0, "done; for `plan`: the dump would succeed as planned"),
    CRIU_FAILED(1, "CRIU ran and refused or failed (dump, restore, check); the diagnosis is printed"),
    USAGE(2, "the command line is wrong: unknown option, missing or malformed argument"),
    CHECK_SAYS_NO(3, "the answer is no: `plan` predicts the dump fails (or cannot predict it), `show --inherit-key` finds a key that would not work, or `restore --preview` finds a conflict that blocks"),
    NOT_FOUND(4, "what the command names does not exist: no such process, folder or file, or the folder is not a CRIU image directory"),
    UNREADABLE(5, "it exists but cannot be read: a damaged image file, a /proc scan that failed"),
    NOT_PERMITTED(6, "needs more privilege: run it as root (dump, restore and check run CRIU, which must be root)"),
    NO_CRIU(7, "no usable criu: set CRIU_ATLAS_CRIU or run scripts/provision-criu.sh"),
    CRIU_NO_REPLY(8, "criu did not answer: its worker died, broke the protocol, or was cancelled"),
    HOST_FAILED(9, "the host named by --host (or the local bridge) could not be reached, ended, or broke the bridge protocol; criu-atlas there is missing or older"),
    NOT_TRUSTED(10, "refused for safety: a restore's image folder (or an image in it, or a folder above) belongs to someone other than root or you, is writable by others or holds an incomplete dump (`restore --trust-folder` goes on after reading why); or a dump's folder is a link, someone else's or writable by others"),
    INTERNAL_ERROR(70, "a bug in CRIU Atlas: the stack trace is in the log file (`criu-atlas about` prints where)");

    /** The process exit status. */
    public final int code;
    /** What it means, as the docs say it. */
    public final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }
}
