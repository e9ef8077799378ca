package org.criuatlas.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A crowd of real processes holding unix sockets, for the scan benchmark: one perl parent forks
 * {@code processes} children, each holding {@code socketsPerProcess} sockets (socketpairs of
 * stream, dgram and seqpacket). Perl is part of every Debian system (perl-base), so this needs no
 * build step. Closing kills the children first, then the parent.
 */
final class SocketPopulation implements AutoCloseable {
    private static final String SCRIPT = String.join("\n",
            "use Socket; use IO::Handle;",
            "my ($n, $k) = @ARGV;",
            "pipe(my $r, my $w) or die 'pipe';",
            "for my $i (1..$n) {",
            "  my $pid = fork(); die 'fork' unless defined $pid;",
            "  if ($pid == 0) {",
            "    close $r; my @keep;",
            "    for my $j (1..int($k / 2)) {",
            "      my $t = (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET)[$j % 3];",
            "      socketpair(my $a, my $b, AF_UNIX, $t, 0) or die \"socketpair: $!\"; push @keep, $a, $b;",
            "    }",
            "    syswrite $w, 'x'; close $w; sleep 1000000 while 1; exit 0;",
            "  }",
            "}",
            "close $w; my $got = 0;",
            "while ($got < $n) { my $c = sysread($r, my $buf, 65536); last unless $c; $got += $c; }",
            "print \"ready $got\\n\"; STDOUT->flush; sleep 1000000 while 1;");

    private final Process parent;
    final int processes;
    final int sockets;

    SocketPopulation(int processes, int socketsPerProcess) throws IOException {
        this.processes = processes;
        this.sockets = processes * (socketsPerProcess / 2 * 2);
        parent = new ProcessBuilder(List.of("perl", "-e", SCRIPT, String.valueOf(processes), String.valueOf(socketsPerProcess)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("ready " + processes)) {
            close();
            throw new IOException("population of " + processes + " processes did not start: " + line);
        }
    }

    long pid() { return parent.pid(); }

    @Override
    public void close() {
        parent.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        parent.destroyForcibly();
        try {
            parent.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
