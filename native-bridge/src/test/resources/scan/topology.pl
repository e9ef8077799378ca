#!/usr/bin/perl
# A small known topology of real processes for the live-scan tests (until the project's topology
# builder is used). Prints "fd PID FD INO LABEL" for every end it creates, then "ready", and runs
# until its stdin closes. Each child closes every inherited fd it does not keep, so the holders
# of every object are exactly the ones reported.
use strict; use warnings;
use Socket; use IO::Handle; use POSIX ();
$| = 1;
my $dir = $ARGV[0] or die "usage: topology.pl DIR\n";
my @kids;
pipe(my $ready_r, my $ready_w) or die "pipe: $!";

sub ino { (stat($_[0]))[1] }
sub report { my ($label, $fh) = @_; print join(' ', 'fd', $$, fileno($fh), ino($fh), $label), "\n"; }

# Forks a child that keeps only @$keep (plus stdio), runs $body, says it is ready and sleeps.
sub spawn {
    my ($keep, $body) = @_;
    my $pid = fork(); die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        my %k = map { fileno($_) => 1 } (@$keep, $ready_w);
        for my $fd (3 .. 1023) { POSIX::close($fd) unless $k{$fd}; }
        my @held = $body->();
        syswrite $ready_w, 'x';
        sleep 1000000 while 1;
    }
    push @kids, $pid;
    print "proc $pid $$\n";
    sysread($ready_r, my $b, 1) == 1 or die "child $pid did not start";
    return $pid;
}

my %types = (stream => SOCK_STREAM, dgram => SOCK_DGRAM, seqpacket => SOCK_SEQPACKET);
my @keep;
for my $t (sort keys %types) {
    socketpair(my $a, my $b, AF_UNIX, $types{$t}, 0) or die "socketpair: $!";
    spawn([$b], sub { report("pair-$t-b", $b); ($b) });
    close $b; report("pair-$t-a", $a); push @keep, $a;
}

# one socket held by two processes (inherited across fork), its peer only by the parent
socketpair(my $s1, my $s2, AF_UNIX, SOCK_STREAM, 0) or die;
spawn([$s1], sub { report('shared', $s1); ($s1) });
report('shared', $s1); report('shared-peer', $s2); push @keep, $s1, $s2;

# a named stream listener with one accepted and one pending client
my $path = "$dir/listen.sock";
socket(my $l, AF_UNIX, SOCK_STREAM, 0) or die; bind($l, pack_sockaddr_un($path)) or die "bind: $!"; listen($l, 5) or die;
report('listener', $l); push @keep, $l;
spawn([], sub {
    socket(my $c, AF_UNIX, SOCK_STREAM, 0) or die; connect($c, pack_sockaddr_un($path)) or die "connect: $!";
    report('client-accepted', $c); ($c) });
accept(my $acc, $l) or die "accept: $!"; report('accepted', $acc); push @keep, $acc;
spawn([], sub {
    socket(my $c, AF_UNIX, SOCK_STREAM, 0) or die; connect($c, pack_sockaddr_un($path)) or die "connect: $!";
    report('client-pending', $c); ($c) });

# an abstract dgram "syslog" server with a connected client in another process
my $abs = "\0atlas-scan-test-$$";
socket(my $d, AF_UNIX, SOCK_DGRAM, 0) or die; bind($d, pack_sockaddr_un($abs)) or die "bind: $!";
report('dgram-server', $d); push @keep, $d;
spawn([], sub {
    socket(my $c, AF_UNIX, SOCK_DGRAM, 0) or die; connect($c, pack_sockaddr_un($abs)) or die "connect: $!";
    report('dgram-client', $c); ($c) });

# a pipe: the parent writes, a child reads
pipe(my $pr, my $pw) or die;
spawn([$pr], sub { report('pipe-read', $pr); ($pr) });
close $pr; report('pipe-write', $pw); push @keep, $pw;

# a FIFO: a child reads, the parent writes
my $fifo = "$dir/fifo";
POSIX::mkfifo($fifo, 0600) or die "mkfifo: $!";
spawn([], sub { sysopen(my $f, $fifo, POSIX::O_RDONLY() | POSIX::O_NONBLOCK()) or die "open fifo: $!";
    report('fifo-read', $f); ($f) });
sysopen(my $fw, $fifo, POSIX::O_WRONLY()) or die "open fifo for writing: $!"; report('fifo-write', $fw); push @keep, $fw;

print "ready\n";
while (sysread(STDIN, my $buf, 4096)) { }
kill 'KILL', @kids;
waitpid($_, 0) for @kids;
exit 0;
