/*
 * atlas-topo, the kinds of object CRIU cares about beyond unix sockets, pipes, FIFOs and ptys:
 * inet/inet6 TCP and UDP, raw, packet and netlink sockets; regular files (deleted, on a private
 * tmpfs, in /dev/shm), memfd and the anon-inode kinds (eventfd, timerfd, signalfd, inotify,
 * fanotify, epoll, io_uring, userfaultfd, pidfd, bpf map, perf event), /dev/tty; file locks
 * (flock, POSIX, OFD); SysV shared memory, semaphores and message queues; and per-process state
 * (namespaces, threads, stopped, traced, zombie, seccomp, deleted cwd). README.md documents each.
 *
 * Who makes what: sockets and most anon inodes are made by the director and handed over like the
 * unix sockets (sockets inside the holder's network namespace, entered with setns). What is bound
 * to the process that makes it is made by the holder itself after its ends are in place
 * ("local" objects): files (they may live on its private tmpfs), io_uring (cannot travel over
 * SCM_RIGHTS), userfaultfd (bound to its memory), epoll (registrations name fd numbers),
 * /dev/tty (its controlling terminal), locks (POSIX locks belong to the process), SysV objects
 * (they live in its IPC namespace). The holder reports what the manifest needs about them
 * (inode, device, ids, namespaces) on the report pipe before it says it is done.
 */
#include "atlas-topo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <linux/netlink.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_FLAGS (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWPID)

/* ---------- spec ---------- */

int parse_proc_option(int p, const char *opt)
{
    struct proc *pr = &procs[p];
    if (!strcmp(opt, "netns")) pr->unshare_flags |= CLONE_NEWNET;
    else if (!strcmp(opt, "ipcns")) pr->unshare_flags |= CLONE_NEWIPC;
    else if (!strcmp(opt, "mntns")) pr->unshare_flags |= CLONE_NEWNS;
    else if (!strcmp(opt, "utsns")) pr->unshare_flags |= CLONE_NEWUTS;
    else if (!strcmp(opt, "pidns")) pr->unshare_flags |= CLONE_NEWPID;
    else if (!strcmp(opt, "tmpfs")) {
        pr->unshare_flags |= CLONE_NEWNS;
        pr->mnt = xasprintf("%s/%s.mnt", sockdir, pr->name);
    } else if (!strncmp(opt, "threads=", 8)) pr->threads = parse_int(opt + 8, 1, 1000, "thread count");
    else if (!strcmp(opt, "stopped")) pr->stopped = 1;
    else if (!strcmp(opt, "traced")) pr->traced = 1;
    else if (!strcmp(opt, "zombie")) pr->zombie = 1;
    else if (!strcmp(opt, "seccomp")) pr->seccomp = 1;
    else if (!strcmp(opt, "cwd=deleted")) {
        pr->cwd_deleted = 1;
        pr->cwd = xasprintf("%s/%s.cwd", sockdir, pr->name);
    } else return 0;
    return 1;
}

/* IP:PORT or [IP6]:PORT; port 0 = any free one. */
static void parse_inet(struct object *o, const char *a)
{
    char buf[128];
    const char *colon;
    if (strlen(a) >= sizeof(buf)) die("bad address '%s'", a);
    if (a[0] == '[') {
        const char *close = strchr(a, ']');
        if (!close || close[1] != ':') die("bad address '%s' (expected [IPV6]:PORT)", a);
        memcpy(buf, a + 1, (size_t)(close - a - 1));
        buf[close - a - 1] = 0;
        colon = close + 1;
        o->family = AF_INET6;
        struct in6_addr t;
        if (inet_pton(AF_INET6, buf, &t) != 1) die("bad IPv6 address '%s'", buf);
    } else {
        colon = strrchr(a, ':');
        if (!colon) die("bad address '%s' (expected IP:PORT)", a);
        memcpy(buf, a, (size_t)(colon - a));
        buf[colon - a] = 0;
        o->family = AF_INET;
        struct in_addr t;
        if (inet_pton(AF_INET, buf, &t) != 1) die("bad IPv4 address '%s'", buf);
    }
    o->ip = xstrdup(buf);
    o->port = parse_int(colon + 1, 0, 65535, "port");
}

/* The holder of the only end, for kinds with one end. */
static int proc_holding(int obj, int role)
{
    return ends[objs[obj].ends[role]].proc;
}

static int owns_end_of(int p, int obj)
{
    for (int k = 0; k < procs[p].nown; k++)
        if (ends[procs[p].own[k]].obj == obj) return procs[p].own[k];
    return -1;
}

/* Nearest process (itself or an ancestor) that unshared one of `flags`, or -1. */
static int ns_owner(int p, int flags)
{
    for (; p >= 0; p = procs[p].parent)
        if (procs[p].unshare_flags & flags) return p;
    return -1;
}

/* Splits tokens after the positional words: statement options (handled by `opt`, which returns
 * 1 when it took the word) and end options (fd=, talk=, passed on). */
static void rest_options(int o, char **tok, int ntok, int (*opt)(int o, const char *w))
{
    char *endopts[64];
    int n = 0;
    for (int i = 0; i < ntok; i++) {
        if (opt && opt(o, tok[i])) continue;
        if (strncmp(tok[i], "fd", 2) && strncmp(tok[i], "talk", 4))
            die("unknown option '%s' for %s '%s'", tok[i], kind_names[objs[o].kind], objs[o].name);
        endopts[n++] = tok[i];
    }
    parse_end_options(o, endopts, n);
}

static int opt_tcp_connect(int o, const char *w)
{
    if (!strcmp(w, "pending")) {
        objs[o].pending = 1;
        objs[objs[o].server].pending = 1;
        return 1;
    }
    if (!strcmp(w, "shutdown=client")) return objs[o].shut = R_CLIENT, 1;
    if (!strcmp(w, "shutdown=accepted")) return objs[o].shut = R_ACCEPTED, 1;
    return 0;
}

static int opt_udp(int o, const char *w)
{
    if (!strncmp(w, "connect=", 8)) {
        int peer = find_object(w + 8);
        if (objs[peer].kind != K_UDP) die("'%s' is not a udp socket", w + 8);
        if (objs[peer].family != objs[o].family) die("udp '%s' and '%s' differ in family", objs[o].name, w + 8);
        objs[o].server = peer;
        return 1;
    }
    return 0;
}

static int opt_proto(int o, const char *w)
{
    if (!strncmp(w, "proto=", 6)) return objs[o].proto = parse_int(w + 6, 0, 255, "protocol"), 1;
    return 0;
}

static int opt_packet(int o, const char *w)
{
    if (!strcmp(w, "dgram")) return objs[o].proto = SOCK_DGRAM, 1;
    if (!strcmp(w, "raw")) return objs[o].proto = SOCK_RAW, 1;
    return 0;
}

static int opt_size(int o, const char *w)
{
    if (!strncmp(w, "size=", 5)) return objs[o].size = parse_size(w + 5, "size"), 1;
    return 0;
}

static int opt_file(int o, const char *w)
{
    struct object *ob = &objs[o];
    if (!strncmp(w, "path=", 5)) {
        if (w[5] != '/') die("file path must be absolute: '%s'", w + 5);
        if (strchr(w + 5, ' ')) die("file path must not contain spaces");
        free(ob->path);
        ob->path = xstrdup(w + 5);
        ob->made_file = 0;
        return 1;
    }
    if (!strcmp(w, "on=tmp")) return ob->on = ON_TMP, 1;
    if (!strcmp(w, "on=shm")) return ob->on = ON_SHM, 1;
    if (!strcmp(w, "on=mnt")) return ob->on = ON_MNT, 1;
    if (!strcmp(w, "deleted") || !strcmp(w, "deleted=ghost")) return ob->deleted = DEL_GHOST, 1;
    if (!strcmp(w, "deleted=linked")) return ob->deleted = DEL_LINKED, 1;
    if (!strncmp(w, "mode=", 5)) {
        if (!strcmp(w + 5, "r")) ob->proto = O_RDONLY;
        else if (!strcmp(w + 5, "w")) ob->proto = O_WRONLY;
        else if (!strcmp(w + 5, "rw")) ob->proto = O_RDWR;
        else die("bad mode '%s' (r|w|rw)", w + 5);
        return 1;
    }
    return opt_size(o, w);
}

static int opt_epoll(int o, const char *w)
{
    if (strncmp(w, "watch=", 6)) return 0;
    char *list = xstrdup(w + 6);
    for (char *save = NULL, *n = strtok_r(list, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
        int t = find_object(n);
        int holder = ends[objs[o].ends[R_FD]].proc;
        if (owns_end_of(holder, t) < 0) die("epoll '%s': '%s' holds no end of '%s'", objs[o].name, procs[holder].name, n);
        objs[o].watch = realloc(objs[o].watch, (size_t)(objs[o].nwatch + 1) * sizeof(int));
        if (!objs[o].watch) die("out of memory");
        objs[o].watch[objs[o].nwatch++] = t;
    }
    free(list);
    return 1;
}

static int opt_lock(int o, const char *w)
{
    if (!strncmp(w, "start=", 6)) return objs[o].lstart = parse_size(w + 6, "lock start"), 1;
    if (!strncmp(w, "len=", 4)) return objs[o].llen = parse_size(w + 4, "lock length"), 1;
    return 0;
}

static int opt_sem(int o, const char *w)
{
    if (!strcmp(w, "undo")) return objs[o].undo = 1, 1;
    return 0;
}

/* An object with one end (role) held by PROC. */
static int one_end(const char *name, int kind, int type, int role, const char *proc, int local)
{
    int o = add_object(name, kind, type);
    objs[o].local = local;
    add_end(o, role, find_proc(proc), -1);
    return o;
}

/* An object without an fd, held by PROC (lock, shm, sem, msgq): made by the process itself. */
static int no_end(const char *name, int kind, const char *proc)
{
    int o = add_object(name, kind, 0);
    objs[o].local = 1;
    objs[o].holder = find_proc(proc);
    return o;
}

int parse_kind_statement(char **tok, int ntok)
{
    const char *cmd = tok[0];
    int o;
    if (!strcmp(cmd, "tcp-listen")) {
        need(ntok, 4, "tcp-listen NAME PROC IP:PORT|[IP6]:PORT [options]");
        o = one_end(tok[1], K_TCP_LISTEN, SOCK_STREAM, R_LISTEN, tok[2], 0);
        parse_inet(&objs[o], tok[3]);
        rest_options(o, tok + 4, ntok - 4, NULL);
    } else if (!strcmp(cmd, "tcp-connect")) {
        need(ntok, 4, "tcp-connect NAME PROC LISTENER [pending] [shutdown=client|accepted] [options]");
        int p = find_proc(tok[2]);
        int srv = find_object(tok[3]);
        if (objs[srv].kind != K_TCP_LISTEN) die("'%s' is not a tcp-listen defined above", tok[3]);
        o = add_object(tok[1], K_TCP_CONNECT, SOCK_STREAM);
        objs[o].server = srv;
        objs[o].family = objs[srv].family;
        int pending = 0;
        for (int i = 4; i < ntok; i++) pending |= !strcmp(tok[i], "pending");
        add_end(o, R_CLIENT, p, -1);
        if (!pending) add_end(o, R_ACCEPTED, ends[objs[srv].ends[R_LISTEN]].proc, -1);
        rest_options(o, tok + 4, ntok - 4, opt_tcp_connect);
        if (pending && objs[o].shut == R_ACCEPTED) die("a pending connection has no accepted end to shut down");
    } else if (!strcmp(cmd, "udp")) {
        need(ntok, 4, "udp NAME PROC IP:PORT|[IP6]:PORT [connect=UDP] [options]");
        o = one_end(tok[1], K_UDP, SOCK_DGRAM, R_SOCK, tok[2], 0);
        parse_inet(&objs[o], tok[3]);
        rest_options(o, tok + 4, ntok - 4, opt_udp);
    } else if (!strcmp(cmd, "raw")) {
        need(ntok, 4, "raw NAME PROC inet|inet6 [proto=N] [options]");
        o = one_end(tok[1], K_RAW, SOCK_RAW, R_SOCK, tok[2], 0);
        if (!strcmp(tok[3], "inet")) objs[o].family = AF_INET;
        else if (!strcmp(tok[3], "inet6")) objs[o].family = AF_INET6;
        else die("raw: expected inet or inet6, got '%s'", tok[3]);
        objs[o].proto = IPPROTO_RAW; /* send-only: receives nothing, so nothing queues up */
        rest_options(o, tok + 4, ntok - 4, opt_proto);
    } else if (!strcmp(cmd, "packet")) {
        need(ntok, 3, "packet NAME PROC [raw|dgram] [options]");
        o = one_end(tok[1], K_PACKET, SOCK_RAW, R_SOCK, tok[2], 0);
        objs[o].proto = SOCK_RAW;
        rest_options(o, tok + 3, ntok - 3, opt_packet);
        objs[o].type = objs[o].proto;
    } else if (!strcmp(cmd, "netlink")) {
        need(ntok, 3, "netlink NAME PROC [proto=N] [options]");
        o = one_end(tok[1], K_NETLINK, SOCK_RAW, R_SOCK, tok[2], 0);
        objs[o].proto = NETLINK_ROUTE;
        rest_options(o, tok + 3, ntok - 3, opt_proto);
    } else if (!strcmp(cmd, "file")) {
        need(ntok, 3, "file NAME PROC [path=P] [on=tmp|shm|mnt] [deleted|deleted=linked] [size=N] [mode=r|w|rw] [options]");
        o = one_end(tok[1], K_FILE, 0, R_FD, tok[2], 1);
        objs[o].proto = O_RDWR;
        objs[o].made_file = 1;
        rest_options(o, tok + 3, ntok - 3, opt_file);
        struct object *ob = &objs[o];
        int holder = proc_holding(o, R_FD);
        if (ob->on == ON_MNT) {
            int m = ns_owner(holder, CLONE_NEWNS);
            if (m < 0 || !procs[m].mnt) die("file '%s' on=mnt: '%s' has no private tmpfs (proc ... tmpfs)", ob->name, procs[holder].name);
            if (!ob->path) ob->path = xasprintf("%s/%s.file", procs[m].mnt, ob->name);
            ob->made_file = 0; /* gone with its mount namespace */
        } else if (!ob->path) {
            if (ob->on == ON_SHM) ob->path = xasprintf("/dev/shm/atlas-topo-%d-%s", (int)getpid(), ob->name);
            else ob->path = xasprintf("%s/%s.file", sockdir, ob->name);
        }
        static const char *const on[] = {"tmp", "shm", "mnt"}, *const del[] = {"no", "ghost", "linked"};
        append_info(&ob->info, "on=%s deleted=%s mode=%s", on[ob->on], del[ob->deleted],
                    ob->proto == O_RDONLY ? "r" : ob->proto == O_WRONLY ? "w" : "rw");
        if (ob->size) append_info(&ob->info, "size=%lld", ob->size);
    } else if (!strcmp(cmd, "memfd")) {
        need(ntok, 3, "memfd NAME PROC [size=N] [options]");
        o = one_end(tok[1], K_MEMFD, 0, R_FD, tok[2], 0);
        rest_options(o, tok + 3, ntok - 3, opt_size);
    } else if (!strcmp(cmd, "eventfd") || !strcmp(cmd, "timerfd") || !strcmp(cmd, "signalfd") ||
               !strcmp(cmd, "inotify") || !strcmp(cmd, "fanotify") || !strcmp(cmd, "bpf-map") ||
               !strcmp(cmd, "perf") || !strcmp(cmd, "io_uring") || !strcmp(cmd, "userfaultfd") ||
               !strcmp(cmd, "devtty") || !strcmp(cmd, "epoll")) {
        static const struct { const char *w; int kind, local; } simple[] = {
            {"eventfd", K_EVENTFD, 0}, {"timerfd", K_TIMERFD, 0}, {"signalfd", K_SIGNALFD, 0},
            {"inotify", K_INOTIFY, 0}, {"fanotify", K_FANOTIFY, 0}, {"bpf-map", K_BPF_MAP, 0},
            {"perf", K_PERF, 0}, {"io_uring", K_IO_URING, 1}, {"userfaultfd", K_USERFAULTFD, 1},
            {"devtty", K_DEVTTY, 1}, {"epoll", K_EPOLL, 1}};
        need(ntok, 3, "KIND NAME PROC [options]");
        size_t i = 0;
        while (strcmp(simple[i].w, cmd)) i++;
        o = one_end(tok[1], simple[i].kind, 0, R_FD, tok[2], simple[i].local);
        rest_options(o, tok + 3, ntok - 3, simple[i].kind == K_EPOLL ? opt_epoll : NULL);
    } else if (!strcmp(cmd, "pidfd")) {
        need(ntok, 4, "pidfd NAME PROC TARGET_PROC [options]");
        o = one_end(tok[1], K_PIDFD, 0, R_FD, tok[2], 0);
        objs[o].target = find_proc(tok[3]);
        rest_options(o, tok + 4, ntok - 4, NULL);
    } else if (!strcmp(cmd, "lock")) {
        need(ntok, 6, "lock NAME PROC FILE flock|posix|ofd read|write [start=N] [len=N]");
        o = no_end(tok[1], K_LOCK, tok[2]);
        int f = find_object(tok[3]);
        if (objs[f].kind != K_FILE) die("'%s' is not a file", tok[3]);
        if (owns_end_of(objs[o].holder, f) < 0) die("'%s' does not hold file '%s'", tok[2], tok[3]);
        objs[o].server = f;
        if (!strcmp(tok[4], "flock")) objs[o].ltype = LK_FLOCK;
        else if (!strcmp(tok[4], "posix")) objs[o].ltype = LK_POSIX;
        else if (!strcmp(tok[4], "ofd")) objs[o].ltype = LK_OFD;
        else die("lock type must be flock, posix or ofd, not '%s'", tok[4]);
        if (!strcmp(tok[5], "write")) objs[o].lwrite = 1;
        else if (strcmp(tok[5], "read")) die("lock mode must be read or write, not '%s'", tok[5]);
        for (int i = 6; i < ntok; i++)
            if (!opt_lock(o, tok[i])) die("unknown lock option '%s'", tok[i]);
        if (objs[o].ltype == LK_FLOCK && (objs[o].lstart || objs[o].llen)) die("flock locks the whole file: no start=/len=");
        int mode = objs[f].proto;
        if ((objs[o].lwrite && mode == O_RDONLY) || (!objs[o].lwrite && mode == O_WRONLY && objs[o].ltype != LK_FLOCK))
            die("lock '%s': file '%s' is not open for %s", tok[1], tok[3], objs[o].lwrite ? "writing" : "reading");
        static const char *const lt[] = {"flock", "posix", "ofd"};
        append_info(&objs[o].info, "type=%s mode=%s start=%lld len=%lld proc=%s", lt[objs[o].ltype],
                    objs[o].lwrite ? "write" : "read", objs[o].lstart, objs[o].llen, tok[2]);
    } else if (!strcmp(cmd, "shm")) {
        need(ntok, 3, "shm NAME PROC [size=N]");
        o = no_end(tok[1], K_SHM, tok[2]);
        objs[o].size = 65536;
        for (int i = 3; i < ntok; i++)
            if (!opt_size(o, tok[i])) die("unknown shm option '%s'", tok[i]);
        if (objs[o].size < 1) die("shm size must be positive");
        append_info(&objs[o].info, "proc=%s size=%lld", tok[2], objs[o].size);
    } else if (!strcmp(cmd, "sem")) {
        need(ntok, 3, "sem NAME PROC [undo]");
        o = no_end(tok[1], K_SEM, tok[2]);
        for (int i = 3; i < ntok; i++)
            if (!opt_sem(o, tok[i])) die("unknown sem option '%s'", tok[i]);
        append_info(&objs[o].info, "proc=%s nsems=1 undo=%d", tok[2], objs[o].undo);
    } else if (!strcmp(cmd, "msgq")) {
        need(ntok, 3, "msgq NAME PROC");
        if (ntok > 3) die("unknown msgq option '%s'", tok[3]);
        o = no_end(tok[1], K_MSGQ, tok[2]);
        append_info(&objs[o].info, "proc=%s", tok[2]);
    } else {
        return 0;
    }
    return 1;
}

void check_spec(void)
{
    for (int p = 0; p < nprocs; p++) {
        struct proc *pr = &procs[p];
        if ((pr->traced || pr->zombie) && pr->parent < 0)
            die("process '%s': %s needs a parent (parent=...)", pr->name, pr->traced ? "traced" : "zombie");
        if (pr->zombie && (pr->nown || pr->nkids || pr->traced || pr->stopped))
            die("zombie '%s' exits right after setup: it cannot hold ends, have children or be traced/stopped", pr->name);
        if (pr->traced && pr->stopped) die("process '%s': traced and stopped together are not supported", pr->name);
    }
    for (int i = 0; i < nobjs; i++) {
        if (objs[i].holder >= 0 && procs[objs[i].holder].zombie)
            die("zombie '%s' cannot hold '%s'", procs[objs[i].holder].name, objs[i].name);
        if (objs[i].kind == K_PIDFD && procs[objs[i].target].zombie)
            die("pidfd '%s': the target exits during setup", objs[i].name);
    }
}

void prepare_dirs(void)
{
    for (int p = 0; p < nprocs; p++)
        if (procs[p].mnt && mkdir(procs[p].mnt, 0700) != 0 && errno != EEXIST)
            die("mkdir(%s): %s", procs[p].mnt, strerror(errno));
}

/* ---------- director: objects it makes ---------- */

static socklen_t inet_addr_of(int family, const char *ip, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, ip, &a->sin_addr);
        return sizeof(*a);
    }
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, ip, &a->sin6_addr);
    return sizeof(*a);
}

/* "127.0.0.1:80" or "[::1]:80" */
static char *sockaddr_text(const struct sockaddr_storage *ss)
{
    char ip[INET6_ADDRSTRLEN];
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
        return xasprintf("%s:%d", ip, ntohs(a->sin_port));
    }
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
    return xasprintf("[%s]:%d", ip, ntohs(a->sin6_port));
}

/* local= (and remote= when connected) of an inet socket, as end attributes */
static void describe_inet_end(int e, int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
        char *t = sockaddr_text(&ss);
        append_info(&ends[e].info, "local=%s", t);
        free(t);
    }
    len = sizeof(ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
        char *t = sockaddr_text(&ss);
        append_info(&ends[e].info, "remote=%s", t);
        free(t);
    }
}

static void lo_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
}

/* Enters the network namespace of process p when it is not ours; returns our own to go back to. */
static int enter_netns_of(int p)
{
    if (ns_owner(p, CLONE_NEWNET) < 0) return -1;
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)procs[p].pid);
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = open(path, O_RDONLY | O_CLOEXEC);
    if (self < 0 || target < 0) die("opening network namespaces (%s): %s", path, strerror(errno));
    if (setns(target, CLONE_NEWNET) != 0) die("setns(%s): %s", path, strerror(errno));
    close(target);
    return self;
}

static void leave_netns(int self)
{
    if (self < 0) return;
    if (setns(self, CLONE_NEWNET) != 0) die("setns back to our network namespace: %s", strerror(errno));
    close(self);
}

static int xsocket(struct object *o, int family, int type, int proto)
{
    int s = socket(family, type, proto);
    if (s < 0) die("socket(%s): %s", o->name, strerror(errno));
    return track(s);
}

void build_kind_object(int i)
{
    struct object *o = &objs[i];
    struct sockaddr_storage ss;
    socklen_t len;
    int fd = -1, role = primary_role_of(o->kind);
    int holder = o->ends[role] >= 0 ? ends[o->ends[role]].proc : -1;
    int back = -1;
    switch (o->kind) {
    case K_TCP_LISTEN: case K_UDP: case K_RAW: case K_PACKET: case K_NETLINK: case K_TCP_CONNECT:
        back = enter_netns_of(holder);
        break;
    default:
        break;
    }
    switch (o->kind) {
    case K_TCP_LISTEN: {
        fd = xsocket(o, o->family, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        len = inet_addr_of(o->family, o->ip, o->port, &ss);
        if (bind(fd, (struct sockaddr *)&ss, len) != 0) die("bind(%s, %s:%d): %s", o->name, o->ip, o->port, strerror(errno));
        if (listen(fd, SOMAXCONN) != 0) die("listen(%s): %s", o->name, strerror(errno));
        len = sizeof(ss);
        getsockname(fd, (struct sockaddr *)&ss, &len);
        o->port = ntohs(o->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
        char *t = sockaddr_text(&ss);
        append_info(&o->info, "local=%s", t);
        free(t);
        break;
    }
    case K_TCP_CONNECT: {
        struct object *srv = &objs[o->server];
        int c = xsocket(o, srv->family, SOCK_STREAM, 0);
        /* a wildcard listener is reached on loopback */
        const char *ip = !strcmp(srv->ip, "0.0.0.0") ? "127.0.0.1" : !strcmp(srv->ip, "::") ? "::1" : srv->ip;
        len = inet_addr_of(srv->family, ip, srv->port, &ss);
        if (connect(c, (struct sockaddr *)&ss, len) != 0) die("connect(%s to %s): %s", o->name, srv->name, strerror(errno));
        ends[o->ends[R_CLIENT]].src = c;
        if (o->pending) {
            srv->queued = 1;
        } else {
            if (srv->queued) die("tcp-connect '%s': accepted connections to '%s' must come before its pending ones", o->name, srv->name);
            int a = accept(ends[srv->ends[R_LISTEN]].src, NULL, NULL);
            if (a < 0) die("accept(%s for %s): %s", srv->name, o->name, strerror(errno));
            ends[o->ends[R_ACCEPTED]].src = track(a);
            describe_inet_end(o->ends[R_ACCEPTED], a);
        }
        describe_inet_end(o->ends[R_CLIENT], c);
        if (o->shut >= 0) {
            int sh = ends[o->ends[o->shut]].src;
            if (shutdown(sh, SHUT_WR) != 0) die("shutdown(%s): %s", o->name, strerror(errno));
            /* the manifest promises FIN_WAIT2: wait for the peer's ACK of our FIN (loopback: at once) */
            for (int tries = 0;; tries++) {
                struct tcp_info ti;
                socklen_t tl = sizeof(ti);
                if (getsockopt(sh, IPPROTO_TCP, TCP_INFO, &ti, &tl) != 0) die("TCP_INFO(%s): %s", o->name, strerror(errno));
                if (ti.tcpi_state == TCP_FIN_WAIT2) break;
                if (tries == 2000) die("tcp-connect '%s': still not in FIN_WAIT2 after shutdown (state %d)", o->name, ti.tcpi_state);
                struct timespec ts = {0, 1000000};
                nanosleep(&ts, NULL);
            }
            append_info(&o->info, "shutdown=%s", role_names[o->shut]);
        }
        leave_netns(back);
        return;
    }
    case K_UDP: {
        fd = xsocket(o, o->family, SOCK_DGRAM, 0);
        len = inet_addr_of(o->family, o->ip, o->port, &ss);
        if (bind(fd, (struct sockaddr *)&ss, len) != 0) die("bind(%s, %s:%d): %s", o->name, o->ip, o->port, strerror(errno));
        len = sizeof(ss);
        getsockname(fd, (struct sockaddr *)&ss, &len);
        o->port = ntohs(o->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
        if (o->server >= 0) {
            struct object *peer = &objs[o->server];
            const char *ip = !strcmp(peer->ip, "0.0.0.0") ? "127.0.0.1" : !strcmp(peer->ip, "::") ? "::1" : peer->ip;
            len = inet_addr_of(peer->family, ip, peer->port, &ss);
            if (connect(fd, (struct sockaddr *)&ss, len) != 0) die("connect(%s to %s): %s", o->name, peer->name, strerror(errno));
        }
        break;
    }
    case K_RAW:
        fd = xsocket(o, o->family, SOCK_RAW, o->proto);
        append_info(&o->info, "family=%s proto=%d", o->family == AF_INET ? "inet" : "inet6", o->proto);
        break;
    case K_PACKET:
        fd = xsocket(o, AF_PACKET, o->proto, 0); /* protocol 0: receives nothing until bound */
        append_info(&o->info, "socktype=%s", o->proto == SOCK_DGRAM ? "dgram" : "raw");
        break;
    case K_NETLINK: {
        fd = xsocket(o, AF_NETLINK, SOCK_RAW, o->proto);
        struct sockaddr_nl nl;
        memset(&nl, 0, sizeof(nl));
        nl.nl_family = AF_NETLINK;
        if (bind(fd, (struct sockaddr *)&nl, sizeof(nl)) != 0) die("bind(%s): %s", o->name, strerror(errno));
        len = sizeof(nl);
        getsockname(fd, (struct sockaddr *)&nl, &len);
        append_info(&o->info, "proto=%d", o->proto);
        append_info(&ends[o->ends[R_SOCK]].info, "portid=%u", nl.nl_pid);
        break;
    }
    case K_MEMFD: {
        char name[64];
        snprintf(name, sizeof(name), "atlas-topo-%s", o->name);
        fd = memfd_create(name, 0);
        if (fd < 0) die("memfd_create(%s): %s", o->name, strerror(errno));
        track(fd);
        char line[128];
        int n = snprintf(line, sizeof(line), "atlas-topo %s\n", o->name);
        if (write(fd, line, (size_t)n) != n) die("write(memfd %s): %s", o->name, strerror(errno));
        if (o->size && ftruncate(fd, o->size) != 0) die("ftruncate(memfd %s): %s", o->name, strerror(errno));
        append_info(&o->info, "memfd=%s size=%lld", name, o->size ? o->size : n);
        break;
    }
    case K_EVENTFD:
        fd = eventfd(7, 0); /* count 7: fdinfo's eventfd-count shows it */
        if (fd < 0) die("eventfd(%s): %s", o->name, strerror(errno));
        append_info(&o->info, "count=7");
        break;
    case K_TIMERFD: {
        fd = timerfd_create(CLOCK_MONOTONIC, 0);
        if (fd < 0) die("timerfd_create(%s): %s", o->name, strerror(errno));
        struct itimerspec it = {{3600, 0}, {3600, 0}}; /* armed, hourly: never fires during a test */
        if (timerfd_settime(fd, 0, &it, NULL) != 0) die("timerfd_settime(%s): %s", o->name, strerror(errno));
        append_info(&o->info, "clock=monotonic interval=3600");
        break;
    }
    case K_SIGNALFD: {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR2);
        fd = signalfd(-1, &set, 0);
        if (fd < 0) die("signalfd(%s): %s", o->name, strerror(errno));
        append_info(&o->info, "signals=USR2");
        break;
    }
    case K_INOTIFY:
        fd = inotify_init1(0);
        if (fd < 0) die("inotify_init1(%s): %s", o->name, strerror(errno));
        /* a watch that never fires while the topology lives */
        if (inotify_add_watch(fd, sockdir, IN_DELETE_SELF) < 0) die("inotify_add_watch(%s, %s): %s", o->name, sockdir, strerror(errno));
        append_info(&o->info, "watch=%s", sockdir);
        break;
    case K_FANOTIFY:
        fd = fanotify_init(FAN_CLASS_NOTIF, O_RDONLY);
        if (fd < 0) die("fanotify_init(%s): %s", o->name, strerror(errno));
        /* close-write on the directory itself only (no FAN_EVENT_ON_CHILD): never fires */
        if (fanotify_mark(fd, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, sockdir) != 0)
            die("fanotify_mark(%s, %s): %s", o->name, sockdir, strerror(errno));
        append_info(&o->info, "watch=%s", sockdir);
        break;
    case K_PIDFD:
        fd = (int)syscall(SYS_pidfd_open, procs[o->target].pid, 0);
        if (fd < 0) die("pidfd_open(%s, pid %d): %s", o->name, (int)procs[o->target].pid, strerror(errno));
        append_info(&o->info, "target=%s target_pid=%d", procs[o->target].name, (int)procs[o->target].pid);
        break;
    case K_BPF_MAP: {
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.map_type = BPF_MAP_TYPE_ARRAY;
        a.key_size = 4;
        a.value_size = 8;
        a.max_entries = 1;
        fd = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
        if (fd < 0) die("bpf(BPF_MAP_CREATE, %s): %s", o->name, strerror(errno));
        append_info(&o->info, "map_type=array");
        break;
    }
    case K_PERF: {
        struct perf_event_attr pa;
        memset(&pa, 0, sizeof(pa));
        pa.type = PERF_TYPE_SOFTWARE;
        pa.size = sizeof(pa);
        pa.config = PERF_COUNT_SW_DUMMY;
        pa.disabled = 1;
        /* attached to its holder: counts that process, like `perf stat -p` */
        fd = (int)syscall(SYS_perf_event_open, &pa, procs[holder].pid, -1, -1, 0);
        if (fd < 0) die("perf_event_open(%s, pid %d): %s", o->name, (int)procs[holder].pid, strerror(errno));
        append_info(&o->info, "type=software config=dummy attached_pid=%d", (int)procs[holder].pid);
        break;
    }
    default:
        die("internal: '%s' (%s) is not made by the director", o->name, kind_names[o->kind]);
    }
    track(fd);
    ends[o->ends[role]].src = fd;
    if (o->kind == K_TCP_LISTEN || o->kind == K_UDP) describe_inet_end(o->ends[role], fd);
    leave_netns(back);
}

/* ---------- process: its own objects ---------- */

static unsigned long ns_inode(const char *which)
{
    char path[64], link[64];
    snprintf(path, sizeof(path), "/proc/self/ns/%s", which);
    ssize_t n = readlink(path, link, sizeof(link) - 1);
    if (n <= 0) return 0;
    link[n] = 0;
    char *b = strchr(link, '[');
    return b ? strtoul(b + 1, NULL, 10) : 0;
}

void proc_setup_early(int p)
{
    struct proc *pr = &procs[p];
    if (!pr->unshare_flags) return;
    if (unshare(pr->unshare_flags & NS_FLAGS) != 0) child_fail(p, "unshare");
    if (pr->unshare_flags & CLONE_NEWNS) {
        /* our mounts must not reach the host, nor the host's ours */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) child_fail(p, "mount(/, MS_PRIVATE)");
        if (pr->mnt && mount("atlas-topo", pr->mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755") != 0)
            child_fail(p, "mount(tmpfs)");
    }
    if ((pr->unshare_flags & CLONE_NEWUTS) && sethostname(pr->name, strlen(pr->name)) != 0) child_fail(p, "sethostname");
    if (pr->unshare_flags & CLONE_NEWNET) lo_up();
}

/* "/a b" -> "/a\040b": manifest words have no blanks (like /proc/mounts) */
static void report_link(int p, int e, int fd, const char *extra)
{
    char path[64], link[512], esc[2048];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, link, sizeof(link) - 1);
    if (n < 0) child_fail(p, "readlink(/proc/self/fd)");
    link[n] = 0;
    size_t j = 0;
    for (ssize_t i = 0; i < n && j + 5 < sizeof(esc); i++) {
        unsigned char c = (unsigned char)link[i];
        if (c <= ' ' || c == '\\' || c == '#') j += (size_t)snprintf(esc + j, sizeof(esc) - j, "\\%03o", c);
        else esc[j++] = (char)c;
    }
    esc[j] = 0;
    report("I %d %d link=%s%s%s\n", p, e, esc, extra ? " " : "", extra ? extra : "");
}

static int make_file(int p, struct object *o)
{
    int w = open(o->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (w < 0) child_fail(p, "open(file, O_CREAT)");
    char line[256];
    int n = snprintf(line, sizeof(line), "atlas-topo file %s\n", o->name);
    if (write(w, line, (size_t)n) != n) child_fail(p, "write(file)");
    if (o->size) {
        /* real data, not a hole: CRIU's ghost-file limit counts what is stored */
        static char chunk[65536];
        memset(chunk, 'x', sizeof(chunk));
        for (long long left = o->size - n; left > 0;) {
            ssize_t k = write(w, chunk, left < (long long)sizeof(chunk) ? (size_t)left : sizeof(chunk));
            if (k <= 0) child_fail(p, "write(file data)");
            left -= k;
        }
        if (ftruncate(w, o->size) != 0) child_fail(p, "ftruncate(file)");
    }
    close(w);
    int fd = open(o->path, o->proto);
    if (fd < 0) child_fail(p, "open(file)");
    if (o->deleted == DEL_LINKED) {
        char *other = xasprintf("%s.link", o->path);
        unlink(other);
        if (link(o->path, other) != 0) child_fail(p, "link(file)");
        free(other);
    }
    if (o->deleted && unlink(o->path) != 0) child_fail(p, "unlink(file)");
    return fd;
}

static int make_local_fd(int p, int e)
{
    struct object *o = &objs[ends[e].obj];
    int fd = -1;
    switch (o->kind) {
    case K_FILE:
        fd = make_file(p, o);
        break;
    case K_IO_URING: {
        struct io_uring_params prm;
        memset(&prm, 0, sizeof(prm));
        fd = (int)syscall(SYS_io_uring_setup, 4, &prm);
        if (fd < 0) child_fail(p, "io_uring_setup");
        break;
    }
    case K_USERFAULTFD: {
        fd = (int)syscall(SYS_userfaultfd, O_NONBLOCK);
        if (fd < 0) child_fail(p, "userfaultfd");
        struct uffdio_api api;
        memset(&api, 0, sizeof(api));
        api.api = UFFD_API;
        if (ioctl(fd, UFFDIO_API, &api) != 0) child_fail(p, "ioctl(UFFDIO_API)");
        break;
    }
    case K_DEVTTY:
        fd = open("/dev/tty", O_RDWR | O_NOCTTY);
        if (fd < 0) child_fail(p, "open(/dev/tty) (needs a controlling terminal: a pty slave in a session leader)");
        break;
    case K_EPOLL: {
        fd = epoll_create1(0);
        if (fd < 0) child_fail(p, "epoll_create1");
        for (int w = 0; w < o->nwatch; w++) {
            int we = owns_end_of(p, o->watch[w]);
            struct epoll_event ev;
            memset(&ev, 0, sizeof(ev));
            ev.events = EPOLLIN;
            ev.data.fd = ends[we].target;
            if (epoll_ctl(fd, EPOLL_CTL_ADD, ends[we].target, &ev) != 0) child_fail(p, "epoll_ctl(EPOLL_CTL_ADD)");
        }
        break;
    }
    default:
        errno = EINVAL;
        child_fail(p, "internal: not a local kind");
    }
    return fd;
}

/* Makes fd-less objects: locks, SysV IPC. Reports what the manifest needs. */
static void make_fdless(int p, int i)
{
    struct object *o = &objs[i];
    int own_ipc = ns_owner(p, CLONE_NEWIPC) >= 0;
    unsigned long ipcns = ns_inode("ipc");
    switch (o->kind) {
    case K_LOCK: {
        int e = owns_end_of(p, o->server);
        int fd = ends[e].target;
        struct stat st;
        if (o->ltype == LK_FLOCK) {
            if (flock(fd, (o->lwrite ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) child_fail(p, "flock");
        } else {
            struct flock fl;
            memset(&fl, 0, sizeof(fl));
            fl.l_type = o->lwrite ? F_WRLCK : F_RDLCK;
            fl.l_whence = SEEK_SET;
            fl.l_start = o->lstart;
            fl.l_len = o->llen;
            if (fcntl(fd, o->ltype == LK_POSIX ? F_SETLK : F_OFD_SETLK, &fl) != 0)
                child_fail(p, o->ltype == LK_POSIX ? "fcntl(F_SETLK)" : "fcntl(F_OFD_SETLK)");
        }
        if (fstat(fd, &st) != 0) child_fail(p, "fstat(locked file)");
        report("O %d %d file=%s fd=%d dev=%02x:%02x ino=%lu\n", p, i, objs[o->server].name, fd, major(st.st_dev),
               minor(st.st_dev), (unsigned long)st.st_ino);
        break;
    }
    case K_SHM: {
        int id = shmget(IPC_PRIVATE, (size_t)o->size, IPC_CREAT | 0600);
        if (id < 0) child_fail(p, "shmget");
        void *at = shmat(id, NULL, 0);
        if (at == (void *)-1) child_fail(p, "shmat");
        memset(at, 'a', 1);
        /* in the host's IPC namespace: marked for removal now, so it goes with its last user */
        if (!own_ipc && shmctl(id, IPC_RMID, NULL) != 0) child_fail(p, "shmctl(IPC_RMID)");
        report("O %d %d id=%d addr=%lx ipcns=%lu removed=%d\n", p, i, id, (unsigned long)at, ipcns, !own_ipc);
        break;
    }
    case K_SEM: {
        int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
        if (id < 0) child_fail(p, "semget");
        struct sembuf op = {0, 1, (short)(o->undo ? SEM_UNDO : 0)};
        if (semop(id, &op, 1) != 0) child_fail(p, "semop");
        report("O %d %d id=%d ipcns=%lu\n", p, i, id, ipcns);
        break;
    }
    case K_MSGQ: {
        int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        if (id < 0) child_fail(p, "msgget");
        struct { long type; char text[64]; } m = {1, {0}};
        snprintf(m.text, sizeof(m.text), "atlas-topo %s", o->name);
        if (msgsnd(id, &m, strlen(m.text), IPC_NOWAIT) != 0) child_fail(p, "msgsnd");
        report("O %d %d id=%d ipcns=%lu qnum=1\n", p, i, id, ipcns);
        break;
    }
    default:
        break;
    }
}

void make_local_objects(int p, int park_above)
{
    struct proc *pr = &procs[p];
    int *parked = calloc((size_t)pr->nown + 1, sizeof(int));
    if (!parked) child_fail(p, "calloc");
    /* made at whatever fd is free, parked above every target, then moved into place; epoll last,
     * so that what it watches is already at its final number */
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < pr->nown; k++) {
            struct end *e = &ends[pr->own[k]];
            parked[k] = -1;
            if (!e->local || (objs[e->obj].kind == K_EPOLL) != pass) continue;
            int fd = make_local_fd(p, pr->own[k]);
            parked[k] = fcntl(fd, F_DUPFD, park_above);
            if (parked[k] < 0) child_fail(p, "fcntl(F_DUPFD) of a local object");
            close(fd);
        }
        for (int k = 0; k < pr->nown; k++) {
            if (parked[k] < 0) continue;
            if (dup2(parked[k], ends[pr->own[k]].target) < 0) child_fail(p, "dup2 of a local object");
            close(parked[k]);
        }
    }
    free(parked);
    for (int k = 0; k < pr->nown; k++) {
        struct end *e = &ends[pr->own[k]];
        struct object *o = &objs[e->obj];
        if (o->kind < K_TCP_LISTEN) continue;
        struct stat st;
        if (fstat(e->target, &st) != 0) child_fail(p, "fstat of an end");
        e->ino = (unsigned long)st.st_ino;
        if (e->local) report("I %d %d ino=%lu\n", p, pr->own[k], e->ino);
        char extra[256];
        extra[0] = 0;
        if (o->kind == K_FILE)
            snprintf(extra, sizeof(extra), "dev=%02x:%02x nlink=%lu size=%lld", major(st.st_dev), minor(st.st_dev),
                     (unsigned long)st.st_nlink, (long long)st.st_size);
        report_link(p, pr->own[k], e->target, extra[0] ? extra : NULL);
    }
    for (int i = 0; i < nobjs; i++)
        if (objs[i].holder == p) make_fdless(p, i);
    if (pr->cwd_deleted) {
        if (mkdir(pr->cwd, 0700) != 0 && errno != EEXIST) child_fail(p, "mkdir(cwd)");
        if (chdir(pr->cwd) != 0) child_fail(p, "chdir(cwd)");
        if (rmdir(pr->cwd) != 0) child_fail(p, "rmdir(cwd)");
    }
}

void report_proc(int p)
{
    /* a zombie child must be one before anyone is told the tree is ready: wait for its exit
     * without reaping it (it reported its own 'D' before exiting) */
    for (int k = 0; k < procs[p].nkids; k++) {
        struct proc *kid = &procs[procs[p].kids[k]];
        siginfo_t si;
        if (!kid->zombie) continue;
        while (waitid(P_PID, (id_t)kid->pid, &si, WEXITED | WNOWAIT) != 0)
            if (errno != EINTR) child_fail(p, "waitid(zombie child)");
    }
    report("P %d net=%lu ipc=%lu mnt=%lu pid=%lu uts=%lu user=%lu\n", p, ns_inode("net"), ns_inode("ipc"),
           ns_inode("mnt"), ns_inode("pid"), ns_inode("uts"), ns_inode("user"));
}

static void *idle_thread(void *arg)
{
    (void)arg;
    for (;;) pause(); /* every signal is blocked here: the main thread takes them */
    return NULL;
}

void proc_setup_late(int p)
{
    struct proc *pr = &procs[p];
    if (pr->zombie) _exit(0); /* its parent never reaps it */
    if (pr->traced && ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(6);
    if (pr->seccomp) {
        /* allows everything but acct(2), which nothing here calls: a real filter, harmless */
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_acct, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {(unsigned short)(sizeof(f) / sizeof(f[0])), f};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) _exit(7);
    }
    if (pr->threads > 1) {
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        for (int t = 1; t < pr->threads; t++) {
            pthread_t th;
            pthread_attr_t at;
            pthread_attr_init(&at);
            pthread_attr_setstacksize(&at, 64 * 1024);
            if (pthread_create(&th, &at, idle_thread, NULL) != 0) _exit(8);
            pthread_attr_destroy(&at);
        }
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    if (pr->stopped) raise(SIGSTOP);
}

/* A traced child stops at every signal: hand the signal on. */
static void handle_stop(pid_t w, int st)
{
    siginfo_t si;
    if (ptrace(PTRACE_GETSIGINFO, w, NULL, &si) == 0) ptrace(PTRACE_CONT, w, NULL, (void *)(long)WSTOPSIG(st));
    else ptrace(PTRACE_CONT, w, NULL, NULL);
}

void reap_kids(int p)
{
    struct proc *pr = &procs[p];
    int keep = 0, st;
    pid_t w;
    for (int k = 0; k < pr->nkids; k++) keep |= procs[pr->kids[k]].zombie;
    if (!keep) {
        while ((w = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
            if (WIFSTOPPED(st)) handle_stop(w, st);
        return;
    }
    for (int k = 0; k < pr->nkids; k++) {
        struct proc *kid = &procs[pr->kids[k]];
        if (kid->zombie || kid->pid <= 0) continue;
        while ((w = waitpid(kid->pid, &st, WNOHANG | __WALL)) > 0)
            if (WIFSTOPPED(st)) handle_stop(w, st);
    }
}

int hold_only(const struct end *e)
{
    return objs[e->obj].kind == K_TCP_CONNECT && objs[e->obj].shut >= 0;
}

/* ---------- director: after setup ---------- */

static int status_field(pid_t pid, const char *key, char *out, size_t n)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f) return 0;
    size_t kl = strlen(key);
    int found = 0;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, key, kl) || line[kl] != ':') continue;
        char *v = line + kl + 1;
        while (*v == ' ' || *v == '\t') v++;
        v[strcspn(v, "\n")] = 0;
        snprintf(out, n, "%s", v);
        found = 1;
        break;
    }
    fclose(f);
    return found;
}

/* The late states (stopped, traced, zombie, threads, seccomp) are taken after a process said it
 * was done: the manifest may only follow once each is really there. */
void await_process_states(long long deadline_ms)
{
    for (int p = 0; p < nprocs; p++) {
        struct proc *pr = &procs[p];
        if (!pr->stopped && !pr->traced && !pr->zombie && pr->threads < 2 && !pr->seccomp) continue;
        for (;;) {
            char st[64] = "", v[64] = "";
            int ok = status_field(pr->pid, "State", st, sizeof(st));
            if (ok && pr->stopped) ok = st[0] == 'T';
            if (ok && pr->zombie) ok = st[0] == 'Z';
            if (ok && pr->traced) ok = status_field(pr->pid, "TracerPid", v, sizeof(v)) && atoi(v) == (int)procs[pr->parent].pid;
            if (ok && pr->threads > 1) ok = status_field(pr->pid, "Threads", v, sizeof(v)) && atoi(v) == pr->threads;
            if (ok && pr->seccomp) ok = status_field(pr->pid, "Seccomp", v, sizeof(v)) && atoi(v) == 2;
            if (ok) break;
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if ((long long)now.tv_sec * 1000 + now.tv_nsec / 1000000 > deadline_ms)
                die("process '%s' (pid %d) did not reach its state (%s) in time", pr->name, (int)pr->pid, st);
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
}

/* ---------- director: teardown ---------- */

static long attr_long(const char *info, const char *key, long dflt)
{
    if (!info) return dflt;
    size_t n = strlen(key);
    for (const char *s = info; (s = strstr(s, key)) != NULL; s += n)
        if ((s == info || s[-1] == ' ') && s[n] == '=') return strtol(s + n + 1, NULL, 10);
    return dflt;
}

void teardown_kinds(void)
{
    unsigned long ipcns = ns_inode("ipc");
    for (int i = 0; i < nobjs; i++) {
        struct object *o = &objs[i];
        if (o->kind == K_FILE && o->made_file && o->path) {
            unlink(o->path);
            char *other = xasprintf("%s.link", o->path);
            if (o->deleted == DEL_LINKED) unlink(other);
            free(other);
        }
        /* SysV objects of the host's IPC namespace outlive their makers: remove them */
        long id = attr_long(o->rinfo, "id", -1);
        if (id < 0 || (unsigned long)attr_long(o->rinfo, "ipcns", 0) != ipcns) continue;
        if (o->kind == K_SEM) semctl((int)id, 0, IPC_RMID);
        else if (o->kind == K_MSGQ) msgctl((int)id, IPC_RMID, NULL);
        else if (o->kind == K_SHM && !attr_long(o->rinfo, "removed", 1)) shmctl((int)id, IPC_RMID, NULL);
    }
    for (int p = 0; p < nprocs; p++) {
        if (procs[p].mnt) rmdir(procs[p].mnt);
        if (procs[p].cwd) rmdir(procs[p].cwd);
    }
}
