/*
 * A population of N small processes for the image benchmark (until the topology builder's
 * population is available): a tree with fan-out 4; every child shares a socketpair (stream,
 * dgram or seqpacket in turn) and a pipe with its parent, holds a private socketpair with queued
 * bytes, and each process writes one byte 'R' to stdout when it is set up, then points fds 0-2 at
 * /dev/null and sleeps. The root calls setsid() so the whole tree can be dumped.
 *
 * Usage: image-population N
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};


static void settle(void)
{
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0) {
        if (write(sp[0], "queued", 6) < 0) _exit(3);
    }
    if (write(1, "R", 1) != 1) _exit(3);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    close(null);
    for (;;) pause();
}

/* This process plus count-1 descendants. */
static void node(int count, int serial)
{
    int rest = count - 1;
    int fan = rest < 4 ? rest : 4;
    for (int i = 0; i < fan; i++) {
        int share = rest / (fan - i);
        rest -= share;
        int sp[2], pp[2];
        if (socketpair(AF_UNIX, types[(serial + i) % 3], 0, sp) || pipe(pp)) _exit(2);
        pid_t c = fork();
        if (c < 0) _exit(2);
        if (c == 0) {
            /* keep only stdio and the two links to the parent */
            for (int fd = 3; fd < 256; fd++)
                if (fd != sp[1] && fd != pp[0]) close(fd);
            node(share, serial * 4 + i + 1);
            _exit(0);
        }
        close(sp[1]);
        close(pp[0]);
        if (write(pp[1], "p", 1) != 1) _exit(2);
    }
    settle();
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100;
    if (n < 1) return 1;
    struct rlimit rl = {4096, 4096};
    setrlimit(RLIMIT_NOFILE, &rl);
    signal(SIGCHLD, SIG_DFL);
    setsid();
    node(n, 0);
    return 0;
}
