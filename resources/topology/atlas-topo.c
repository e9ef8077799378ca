/*
 * atlas-topo: builds a real tree of processes holding unix sockets, pipes and FIFOs, prints a
 * manifest of who holds what (pid, fd, inode), keeps everything alive, and tears it all down when
 * its stdin reaches EOF or it gets SIGTERM/SIGINT. The spec format is in README.md.
 *
 * How: the director (this process) creates every object itself, computes the final fd number of
 * every end in every process, then forks the top-level processes; each process forks its own
 * children first (so the tree is real), then keeps exactly its own ends (F_DUPFD above every
 * inherited fd, close_range around them, dup2 into place), reports its pid on a shared report pipe
 * and closes that pipe. EOF on the report pipe means every process is set up.
 *
 * Plain C, no threads, no timers: processes must survive a CRIU dump/restore.
 */
#include "atlas-topo.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *const kind_names[K_COUNT] = {
    "socketpair", "listen", "dgram-server", "connect", "pipe", "fifo", "unbound", "pty",
    "tcp-listen", "tcp-connect", "udp", "raw", "packet", "netlink",
    "file", "memfd", "eventfd", "timerfd", "signalfd", "inotify", "fanotify", "epoll", "io_uring",
    "userfaultfd", "pidfd", "bpf-map", "perf", "devtty",
    "lock", "shm", "sem", "msgq"};

const char *const role_names[R_COUNT] = {"a", "b", "listen", "server", "client", "accepted",
                                         "write", "read", "sock", "master", "slave", "fd"};
/* The end that a bare fd=/talk= option refers to (kinds.c knows its own kinds'). */
static const int primary_role[K_COUNT] = {
    R_A, R_LISTEN, R_SERVER, R_CLIENT, R_WRITE, R_WRITE, R_SOCK, R_MASTER,
    R_LISTEN, R_CLIENT, R_SOCK, R_SOCK, R_SOCK, R_SOCK,
    R_FD, R_FD, R_FD, R_FD, R_FD, R_FD, R_FD, R_FD, R_FD, R_FD, R_FD, R_FD, R_FD, R_FD,
    -1, -1, -1, -1};

/* -1: the kind has no fd (lock, shm, sem, msgq) */
int primary_role_of(int kind)
{
    return primary_role[kind];
}

struct proc *procs;
int nprocs;
static int capprocs;
struct object *objs;
int nobjs;
static int capobjs;
struct end *ends;
int nends;
static int capends;

static const char *logdir;
const char *sockdir;
static int spec_line;
static int watch_stdin = 1;

#define GROW(arr, n, cap)                                                          \
    do {                                                                           \
        if ((n) >= (cap)) {                                                        \
            (cap) = (cap) ? (cap) * 2 : 16;                                        \
            void *p_ = realloc((arr), (size_t)(cap) * sizeof(*(arr)));             \
            if (!p_) die("out of memory");                                         \
            (arr) = p_;                                                            \
        }                                                                          \
    } while (0)

static void teardown(int code) __attribute__((noreturn));
static int built; /* objects exist: die() must tear down */

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "atlas-topo: ");
    if (spec_line > 0) fprintf(stderr, "line %d: ", spec_line);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    if (built) teardown(1);
    exit(2);
}

char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d) die("out of memory");
    return d;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *out;
    va_start(ap, fmt);
    int n = vasprintf(&out, fmt, ap);
    va_end(ap);
    if (n < 0) die("out of memory");
    return out;
}

/* Appends " k=v..." (formatted) to a manifest attribute string. */
void append_info(char **info, const char *fmt, ...)
{
    va_list ap;
    char *add;
    va_start(ap, fmt);
    int n = vasprintf(&add, fmt, ap);
    va_end(ap);
    if (n < 0) die("out of memory");
    char *joined = xasprintf("%s%s%s", *info ? *info : "", *info ? " " : "", add);
    free(add);
    free(*info);
    *info = joined;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------- names: a small open-addressing hash table per namespace ---------- */

struct names { char **keys; int *vals; size_t cap, n; };
static struct names proc_names, obj_names;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s) { h ^= (unsigned char)*s++; h *= 1099511628211ULL; }
    return h;
}

static int names_get(struct names *t, const char *k)
{
    if (!t->cap) return -1;
    for (size_t i = hash_str(k) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->keys[i]) return -1;
        if (!strcmp(t->keys[i], k)) return t->vals[i];
    }
}

static void names_put(struct names *t, char *k, int v)
{
    if ((t->n + 1) * 2 > t->cap) {
        struct names o = *t;
        t->cap = o.cap ? o.cap * 2 : 64;
        t->keys = calloc(t->cap, sizeof(char *));
        t->vals = calloc(t->cap, sizeof(int));
        if (!t->keys || !t->vals) die("out of memory");
        t->n = 0;
        for (size_t i = 0; i < o.cap; i++)
            if (o.keys[i]) names_put(t, o.keys[i], o.vals[i]);
        free(o.keys);
        free(o.vals);
    }
    size_t i = hash_str(k) & (t->cap - 1);
    while (t->keys[i]) i = (i + 1) & (t->cap - 1);
    t->keys[i] = k;
    t->vals[i] = v;
    t->n++;
}

/* ---------- spec model ---------- */

static void check_name(const char *n)
{
    if (!*n || strlen(n) > 200) die("bad name '%s'", n);
    for (const char *p = n; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_-.@+", *p)) die("bad character in name '%s'", n);
}

static int add_proc(const char *name, int parent, int setsid_)
{
    check_name(name);
    if (names_get(&proc_names, name) >= 0) die("process '%s' defined twice", name);
    GROW(procs, nprocs, capprocs);
    struct proc *p = &procs[nprocs];
    memset(p, 0, sizeof(*p));
    p->name = xstrdup(name);
    p->parent = parent;
    p->setsid = setsid_;
    p->zombie = 0;
    names_put(&proc_names, p->name, nprocs);
    if (parent >= 0) {
        struct proc *pp = &procs[parent];
        GROW(pp->kids, pp->nkids, pp->capkids);
        pp->kids[pp->nkids++] = nprocs;
    }
    return nprocs++;
}

int find_proc(const char *name)
{
    int i = names_get(&proc_names, name);
    if (i < 0) die("unknown process '%s' (define it with 'proc' first)", name);
    return i;
}

int find_object(const char *name)
{
    int i = names_get(&obj_names, name);
    if (i < 0) die("unknown object '%s' (define it first)", name);
    return i;
}

int add_end(int obj, int role, int proc, int share_of)
{
    GROW(ends, nends, capends);
    struct end *e = &ends[nends];
    e->obj = obj;
    e->role = role;
    e->proc = proc;
    e->share_of = share_of;
    e->src = -1;
    e->target = -1;
    e->talk = 0;
    e->ino = 0;
    e->local = objs[obj].local;
    e->info = e->rinfo = NULL;
    struct proc *p = &procs[proc];
    GROW(p->own, p->nown, p->capown);
    p->own[p->nown++] = nends;
    if (share_of < 0) objs[obj].ends[role] = nends;
    return nends++;
}

int add_object(const char *name, int kind, int type)
{
    check_name(name);
    if (names_get(&obj_names, name) >= 0) die("object '%s' defined twice", name);
    GROW(objs, nobjs, capobjs);
    struct object *o = &objs[nobjs];
    memset(o, 0, sizeof(*o));
    o->name = xstrdup(name);
    o->kind = kind;
    o->type = type;
    o->server = -1;
    o->holder = -1;
    o->shut = -1;
    o->target = -1;
    for (int r = 0; r < R_COUNT; r++) o->ends[r] = -1;
    names_put(&obj_names, o->name, nobjs);
    return nobjs++;
}

static int parse_type(const char *s, int allow_dgram)
{
    if (!strcmp(s, "stream")) return SOCK_STREAM;
    if (!strcmp(s, "seqpacket")) return SOCK_SEQPACKET;
    if (!strcmp(s, "dgram") && allow_dgram) return SOCK_DGRAM;
    die("bad socket type '%s' (stream%s|seqpacket)", s, allow_dgram ? "|dgram" : "");
}

static const char *type_name(int t)
{
    switch (t) {
    case SOCK_STREAM: return "stream";
    case SOCK_DGRAM: return "dgram";
    case SOCK_SEQPACKET: return "seqpacket";
    default: return "-";
    }
}

int parse_int(const char *s, int lo, int hi, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) die("bad %s '%s' (%d..%d)", what, s, lo, hi);
    return (int)v;
}

/* N, Nk, Nm, Ng (powers of 1024) */
long long parse_size(const char *s, const char *what)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    long long mul = 1;
    if (*end == 'k' || *end == 'K') mul = 1024, end++;
    else if (*end == 'm' || *end == 'M') mul = 1024 * 1024, end++;
    else if (*end == 'g' || *end == 'G') mul = 1024LL * 1024 * 1024, end++;
    if (errno || end == s || *end || v < 0 || v > (1LL << 40) / mul) die("bad %s '%s'", what, s);
    return v * mul;
}

/* path=/abs, path=auto, abstract=name, abstract=auto */
static void parse_address(struct object *o, const char *a, int path_only)
{
    if (!strncmp(a, "path=", 5)) {
        const char *v = a + 5;
        char buf[PATH_MAX];
        if (!strcmp(v, "auto")) {
            snprintf(buf, sizeof(buf), "%s/%s.%s", sockdir, o->name, o->kind == K_FIFO ? "fifo" : "sock");
            v = buf;
        } else if (v[0] != '/') {
            die("path must be absolute: '%s'", v);
        }
        if (o->kind != K_FIFO && strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
            die("socket path too long (max 107 bytes): '%s'", v);
        o->path = xstrdup(v);
    } else if (!strncmp(a, "abstract=", 9) && !path_only) {
        const char *v = a + 9;
        char buf[128];
        if (!strcmp(v, "auto")) {
            snprintf(buf, sizeof(buf), "atlas-topo-%d-%s", (int)getpid(), o->name);
            v = buf;
        }
        if (!*v || strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path) - 1)
            die("bad abstract name '%s'", v);
        o->abs = xstrdup(v);
    } else {
        die("expected %s, got '%s'", path_only ? "path=..." : "path=... or abstract=...", a);
    }
}

static int role_by_name(const char *s)
{
    for (int r = 0; r < R_COUNT; r++)
        if (!strcmp(s, role_names[r])) return r;
    die("unknown end '%s'", s);
}

/* fd=N, fd.ROLE=N, talk=MS, talk.ROLE=MS */
void parse_end_options(int obj, char **tok, int ntok)
{
    struct object *o = &objs[obj];
    for (int i = 0; i < ntok; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq) die("bad option '%s'", tok[i]);
        *eq = 0;
        char *key = tok[i], *val = eq + 1;
        char *dot = strchr(key, '.');
        int role = primary_role_of(o->kind);
        if (role < 0) die("object '%s' has no fd to place or talk on ('%s')", o->name, tok[i]);
        if (dot) {
            *dot = 0;
            role = role_by_name(dot + 1);
        }
        int e = o->ends[role];
        if (e < 0) die("object '%s' has no '%s' end", o->name, role_names[role]);
        if (!strcmp(key, "fd")) ends[e].target = parse_int(val, 3, 1 << 20, "fd");
        else if (!strcmp(key, "talk")) ends[e].talk = parse_int(val, 1, 86400000, "talk interval");
        else die("unknown option '%s'", key);
    }
}

void need(int ntok, int min, const char *usage)
{
    if (ntok < min) die("usage: %s", usage);
}

static void parse_population(char **tok, int ntok);

static void parse_line(char *line)
{
    char *tok[64];
    int ntok = 0;
    char *h = strchr(line, '#');
    if (h) *h = 0;
    for (char *s = strtok(line, " \t\r\n"); s; s = strtok(NULL, " \t\r\n")) {
        if (ntok == 64) die("too many words");
        tok[ntok++] = s;
    }
    if (!ntok) return;
    const char *cmd = tok[0];
    if (!strcmp(cmd, "proc")) {
        need(ntok, 2, "proc NAME [parent=NAME] [nosetsid] [process options]");
        int parent = -1, ss = 1;
        for (int i = 2; i < ntok; i++) {
            if (!strncmp(tok[i], "parent=", 7)) parent = find_proc(tok[i] + 7);
            else if (!strcmp(tok[i], "nosetsid")) ss = 0;
        }
        int p = add_proc(tok[1], parent, parent < 0 ? ss : 0);
        for (int i = 2; i < ntok; i++)
            if (strncmp(tok[i], "parent=", 7) && strcmp(tok[i], "nosetsid") && !parse_proc_option(p, tok[i]))
                die("unknown proc option '%s'", tok[i]);
    } else if (!strcmp(cmd, "socketpair")) {
        need(ntok, 5, "socketpair NAME stream|dgram|seqpacket PROC_A PROC_B [options]");
        int o = add_object(tok[1], K_SOCKETPAIR, parse_type(tok[2], 1));
        add_end(o, R_A, find_proc(tok[3]), -1);
        add_end(o, R_B, find_proc(tok[4]), -1);
        parse_end_options(o, tok + 5, ntok - 5);
    } else if (!strcmp(cmd, "listen")) {
        need(ntok, 5, "listen NAME stream|seqpacket PROC path=...|abstract=... [options]");
        int o = add_object(tok[1], K_LISTEN, parse_type(tok[2], 0));
        parse_address(&objs[o], tok[4], 0);
        add_end(o, R_LISTEN, find_proc(tok[3]), -1);
        parse_end_options(o, tok + 5, ntok - 5);
    } else if (!strcmp(cmd, "dgram-server")) {
        need(ntok, 4, "dgram-server NAME PROC path=...|abstract=... [options]");
        int o = add_object(tok[1], K_DGRAM_SERVER, SOCK_DGRAM);
        parse_address(&objs[o], tok[3], 0);
        add_end(o, R_SERVER, find_proc(tok[2]), -1);
        parse_end_options(o, tok + 4, ntok - 4);
    } else if (!strcmp(cmd, "connect")) {
        need(ntok, 4, "connect NAME PROC SERVER [pending] [options]");
        int p = find_proc(tok[2]);
        int srv = names_get(&obj_names, tok[3]);
        if (srv < 0 || (objs[srv].kind != K_LISTEN && objs[srv].kind != K_DGRAM_SERVER))
            die("'%s' is not a listen or dgram-server defined above", tok[3]);
        int pending = ntok > 4 && !strcmp(tok[4], "pending");
        if (pending && objs[srv].kind != K_LISTEN) die("only a listener has pending connections");
        int o = add_object(tok[1], K_CONNECT, objs[srv].type);
        objs[o].server = srv;
        objs[o].pending = pending;
        /* a listener with a pending connection never accepts at run time, or it would not stay pending */
        if (pending) objs[srv].pending = 1;
        add_end(o, R_CLIENT, p, -1);
        if (objs[srv].kind == K_LISTEN && !pending) add_end(o, R_ACCEPTED, ends[objs[srv].ends[R_LISTEN]].proc, -1);
        parse_end_options(o, tok + 4 + pending, ntok - 4 - pending);
    } else if (!strcmp(cmd, "pipe")) {
        need(ntok, 4, "pipe NAME WRITER READER [options]");
        int o = add_object(tok[1], K_PIPE, 0);
        add_end(o, R_WRITE, find_proc(tok[2]), -1);
        add_end(o, R_READ, find_proc(tok[3]), -1);
        parse_end_options(o, tok + 4, ntok - 4);
    } else if (!strcmp(cmd, "fifo")) {
        need(ntok, 5, "fifo NAME path=... WRITER READER [options]");
        int o = add_object(tok[1], K_FIFO, 0);
        parse_address(&objs[o], tok[2], 1);
        add_end(o, R_WRITE, find_proc(tok[3]), -1);
        add_end(o, R_READ, find_proc(tok[4]), -1);
        parse_end_options(o, tok + 5, ntok - 5);
    } else if (!strcmp(cmd, "unbound")) {
        need(ntok, 4, "unbound NAME stream|dgram|seqpacket PROC [options]");
        int o = add_object(tok[1], K_UNBOUND, parse_type(tok[2], 1));
        add_end(o, R_SOCK, find_proc(tok[3]), -1);
        parse_end_options(o, tok + 4, ntok - 4);
    } else if (!strcmp(cmd, "pty")) {
        need(ntok, 4, "pty NAME MASTER_PROC SLAVE_PROC [options]");
        int o = add_object(tok[1], K_PTY, 0);
        add_end(o, R_MASTER, find_proc(tok[2]), -1);
        add_end(o, R_SLAVE, find_proc(tok[3]), -1);
        parse_end_options(o, tok + 4, ntok - 4);
    } else if (!strcmp(cmd, "share")) {
        need(ntok, 4, "share OBJECT HOLDER PROC [role=ROLE] [fd=N]");
        int o = names_get(&obj_names, tok[1]);
        if (o < 0) die("unknown object '%s'", tok[1]);
        if (objs[o].local || primary_role_of(objs[o].kind) < 0)
            die("'%s' is made by its holder itself (%s): it cannot be shared", tok[1], kind_names[objs[o].kind]);
        int holder = find_proc(tok[2]), to = find_proc(tok[3]);
        int role = -1, fd = -1;
        for (int i = 4; i < ntok; i++) {
            if (!strncmp(tok[i], "role=", 5)) role = role_by_name(tok[i] + 5);
            else if (!strncmp(tok[i], "fd=", 3)) fd = parse_int(tok[i] + 3, 3, 1 << 20, "fd");
            else die("unknown share option '%s'", tok[i]);
        }
        int found = -1;
        for (int r = 0; r < R_COUNT; r++) {
            int e = objs[o].ends[r];
            if (e < 0 || ends[e].proc != holder || (role >= 0 && r != role)) continue;
            if (found >= 0) die("'%s' has several ends in '%s': add role=...", tok[1], tok[2]);
            found = e;
        }
        if (found < 0) die("process '%s' holds no end of '%s'", tok[2], tok[1]);
        int e = add_end(o, ends[found].role, to, found);
        ends[e].target = fd;
    } else if (!strcmp(cmd, "population")) {
        parse_population(tok, ntok);
    } else if (!parse_kind_statement(tok, ntok)) {
        die("unknown statement '%s'", cmd);
    }
}

/* Deterministic pseudo-random mix for benchmarks: trees of processes (blocks of 100 rooted at a
 * session leader, 4 children per node) and socket objects between random processes until the
 * number of socket ends reaches SOCKETS. Abstract names keep the file system clean. */
static void parse_population(char **tok, int ntok)
{
    need(ntok, 3, "population PROCS SOCKETS [seed=N] [prefix=NAME]");
    int np = parse_int(tok[1], 1, 100000, "process count");
    int ns = parse_int(tok[2], 0, 1000000, "socket count");
    uint64_t seed = 42;
    const char *prefix = "p";
    for (int i = 3; i < ntok; i++) {
        if (!strncmp(tok[i], "seed=", 5)) seed = (uint64_t)parse_int(tok[i] + 5, 0, INT_MAX, "seed");
        else if (!strncmp(tok[i], "prefix=", 7)) prefix = tok[i] + 7;
        else die("unknown population option '%s'", tok[i]);
    }
    char name[256], oname[256];
    int first = nprocs;
    for (int i = 0; i < np; i++) {
        int b = i / 100, j = i % 100;
        snprintf(name, sizeof(name), "%s%d", prefix, i);
        add_proc(name, j == 0 ? -1 : first + b * 100 + (j - 1) / 4, 1);
    }
#define RND() (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL, (int)((seed >> 33) % (uint64_t)np))
    int made = 0, k = 0;
    while (made < ns) {
        int kind = (int)((seed >> 40) % 10);
        int a = first + RND(), bproc = first + RND();
        snprintf(oname, sizeof(oname), "%s-o%d", prefix, k++);
        if (kind <= 5 || kind == 6 || kind == 7 || ns - made < 3) {
            int t = kind == 6 ? SOCK_DGRAM : kind == 7 ? SOCK_SEQPACKET : SOCK_STREAM;
            int o = add_object(oname, K_SOCKETPAIR, t);
            add_end(o, R_A, a, -1);
            add_end(o, R_B, bproc, -1);
            made += 2;
        } else if (kind == 8) {
            int o = add_object(oname, K_LISTEN, SOCK_STREAM);
            snprintf(name, sizeof(name), "atlas-pop-%d-%d", (int)getpid(), o);
            objs[o].abs = xstrdup(name);
            add_end(o, R_LISTEN, a, -1);
            made++;
            int clients = 1 + RND() % 3;
            for (int c = 0; c < clients && made < ns; c++) {
                snprintf(oname, sizeof(oname), "%s-o%d", prefix, k++);
                int co = add_object(oname, K_CONNECT, SOCK_STREAM);
                objs[co].server = o;
                add_end(co, R_CLIENT, first + RND(), -1);
                add_end(co, R_ACCEPTED, a, -1);
                made += 2;
            }
        } else {
            int o = add_object(oname, K_DGRAM_SERVER, SOCK_DGRAM);
            snprintf(name, sizeof(name), "atlas-pop-%d-%d", (int)getpid(), o);
            objs[o].abs = xstrdup(name);
            add_end(o, R_SERVER, a, -1);
            snprintf(oname, sizeof(oname), "%s-o%d", prefix, k++);
            int co = add_object(oname, K_CONNECT, SOCK_DGRAM);
            objs[co].server = o;
            add_end(co, R_CLIENT, bproc, -1);
            made += 2;
        }
    }
#undef RND
}

/* ---------- building objects (director) ---------- */

static socklen_t make_addr(const struct object *o, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (o->path) {
        strcpy(sa->sun_path, o->path);
        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(o->path) + 1);
    }
    size_t n = strlen(o->abs);
    memcpy(sa->sun_path + 1, o->abs, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static const char *addr_text(const struct object *o, char *buf, size_t n)
{
    if (o->path) snprintf(buf, n, "path=%s", o->path);
    else if (o->abs) snprintf(buf, n, "abstract=%s", o->abs);
    else snprintf(buf, n, "-");
    return buf;
}

static int maxfd_seen = 2;
int track(int fd)
{
    if (fd > maxfd_seen) maxfd_seen = fd;
    return fd;
}

static void remove_stale_socket(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) die("'%s' exists and is not a socket", path);
        if (unlink(path) != 0) die("unlink(%s): %s", path, strerror(errno));
    }
}

static void build_object(int i)
{
    struct object *o = &objs[i];
    struct sockaddr_un sa;
    char buf[PATH_MAX + 16];
    int fds[2];
    switch (o->kind) {
    case K_SOCKETPAIR:
        if (socketpair(AF_UNIX, o->type, 0, fds) != 0) die("socketpair(%s): %s", o->name, strerror(errno));
        ends[o->ends[R_A]].src = track(fds[0]);
        ends[o->ends[R_B]].src = track(fds[1]);
        break;
    case K_LISTEN:
    case K_DGRAM_SERVER: {
        int s = socket(AF_UNIX, o->type, 0);
        if (s < 0) die("socket(%s): %s", o->name, strerror(errno));
        socklen_t len = make_addr(o, &sa);
        if (o->path) remove_stale_socket(o->path);
        if (bind(s, (struct sockaddr *)&sa, len) != 0)
            die("bind(%s, %s): %s", o->name, addr_text(o, buf, sizeof(buf)), strerror(errno));
        if (o->path) o->made_file = 1;
        if (o->kind == K_LISTEN && listen(s, SOMAXCONN) != 0) die("listen(%s): %s", o->name, strerror(errno));
        ends[o->ends[o->kind == K_LISTEN ? R_LISTEN : R_SERVER]].src = track(s);
        break;
    }
    case K_CONNECT: {
        struct object *srv = &objs[o->server];
        int s = socket(AF_UNIX, o->type, 0);
        if (s < 0) die("socket(%s): %s", o->name, strerror(errno));
        socklen_t len = make_addr(srv, &sa);
        if (connect(s, (struct sockaddr *)&sa, len) != 0)
            die("connect(%s to %s): %s", o->name, srv->name, strerror(errno));
        ends[o->ends[R_CLIENT]].src = track(s);
        if (srv->kind == K_LISTEN && o->pending) {
            srv->queued = 1;
        } else if (srv->kind == K_LISTEN) {
            if (srv->queued) die("connect '%s': accepted connections to '%s' must come before its pending ones",
                                        o->name, srv->name);
            /* accepted right away, so a listener serves any number of connect lines */
            int a = accept(ends[srv->ends[R_LISTEN]].src, NULL, NULL);
            if (a < 0) die("accept(%s for %s): %s", srv->name, o->name, strerror(errno));
            ends[o->ends[R_ACCEPTED]].src = track(a);
        }
        break;
    }
    case K_PIPE:
        if (pipe(fds) != 0) die("pipe(%s): %s", o->name, strerror(errno));
        ends[o->ends[R_READ]].src = track(fds[0]);
        ends[o->ends[R_WRITE]].src = track(fds[1]);
        break;
    case K_FIFO: {
        struct stat st;
        if (lstat(o->path, &st) == 0) {
            if (!S_ISFIFO(st.st_mode)) die("'%s' exists and is not a FIFO", o->path);
        } else {
            if (mkfifo(o->path, 0600) != 0) die("mkfifo(%s): %s", o->path, strerror(errno));
            o->made_file = 1;
        }
        int r = open(o->path, O_RDONLY | O_NONBLOCK);
        if (r < 0) die("open(%s, O_RDONLY): %s", o->path, strerror(errno));
        int w = open(o->path, O_WRONLY);
        if (w < 0) die("open(%s, O_WRONLY): %s", o->path, strerror(errno));
        fcntl(r, F_SETFL, 0); /* blocking like a plain open; the reader polls */
        ends[o->ends[R_READ]].src = track(r);
        ends[o->ends[R_WRITE]].src = track(w);
        break;
    }
    case K_UNBOUND: {
        int s = socket(AF_UNIX, o->type, 0);
        if (s < 0) die("socket(%s): %s", o->name, strerror(errno));
        ends[o->ends[R_SOCK]].src = track(s);
        break;
    }
    case K_PTY: {
        /* O_NOCTTY: the slave becomes the controlling tty of its holder only (see run_proc) */
        int m = posix_openpt(O_RDWR | O_NOCTTY);
        if (m < 0) die("posix_openpt(%s): %s", o->name, strerror(errno));
        if (grantpt(m) != 0 || unlockpt(m) != 0) die("unlockpt(%s): %s", o->name, strerror(errno));
        const char *name = ptsname(m);
        if (!name) die("ptsname(%s): %s", o->name, strerror(errno));
        o->path = xstrdup(name);
        int sl = open(name, O_RDWR | O_NOCTTY);
        if (sl < 0) die("open(%s): %s", name, strerror(errno));
        ends[o->ends[R_MASTER]].src = track(m);
        ends[o->ends[R_SLAVE]].src = track(sl);
        break;
    }
    default:
        build_kind_object(i);
    }
}

/* Final fd numbers: explicit fd= first, the rest from 3 upwards in spec order. */
static int place_fds(void)
{
    int maxtarget = 2;
    for (int p = 0; p < nprocs; p++) {
        struct proc *pr = &procs[p];
        int maxexp = 2;
        for (int k = 0; k < pr->nown; k++)
            if (ends[pr->own[k]].target > maxexp) maxexp = ends[pr->own[k]].target;
        char *used = calloc((size_t)maxexp + 1, 1);
        if (!used) die("out of memory");
        for (int k = 0; k < pr->nown; k++) {
            struct end *e = &ends[pr->own[k]];
            if (e->target < 0) continue;
            if (used[e->target]) die("fd %d is given twice in process '%s'", e->target, pr->name);
            used[e->target] = 1;
        }
        int next = 3;
        for (int k = 0; k < pr->nown; k++) {
            struct end *e = &ends[pr->own[k]];
            if (e->target >= 0) continue;
            while (next <= maxexp && used[next]) next++;
            e->target = next++;
        }
        free(used);
        for (int k = 0; k < pr->nown; k++)
            if (ends[pr->own[k]].target > maxtarget) maxtarget = ends[pr->own[k]].target;
    }
    return maxtarget;
}

static void raise_nofile(long want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    if ((long)rl.rlim_cur >= want) return;
    if ((long)rl.rlim_max < want) {
        long nr_open = 1048576;
        FILE *f = fopen("/proc/sys/fs/nr_open", "r");
        if (f) {
            if (fscanf(f, "%ld", &nr_open) != 1) nr_open = 1048576;
            fclose(f);
        }
        struct rlimit hi = {(rlim_t)(want < nr_open ? want : nr_open), (rlim_t)(want < nr_open ? want : nr_open)};
        if (setrlimit(RLIMIT_NOFILE, &hi) == 0) return;
    }
    rl.rlim_cur = (long)rl.rlim_max < want ? rl.rlim_max : (rlim_t)want;
    setrlimit(RLIMIT_NOFILE, &rl);
}

/* ---------- life of a tree process ---------- */

struct slot {
    int fd;
    int end;     /* end index, -1 for connections accepted at run time */
    int mode;    /* what to do with input */
    int dgram;
    int writable;
    int talk;
    long long next_talk;
    unsigned seq;
};
enum { M_NONE, M_ECHO, M_ACCEPT, M_LOG };

static volatile sig_atomic_t got_usr1, got_chld, got_term;
static void on_signal(int sig)
{
    if (sig == SIGUSR1) got_usr1 = 1;
    else if (sig == SIGCHLD) got_chld = 1;
    else got_term = 1;
}

static int report_fd = -1;

void report(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(buf)) n = sizeof(buf) - 1;
    buf[n - 1] = '\n'; /* one write, below PIPE_BUF: lines from many processes never mix */
    if (write(report_fd, buf, (size_t)n) < 0) _exit(3);
}

void child_fail(int p, const char *what)
{
    report("E %d %d %s: %s\n", p, (int)getpid(), what, strerror(errno));
    _exit(1);
}

static const char *my_name;
static size_t my_name_len;
static int my_index;

/* Our pid as the director sees it: getpid() answers 1 inside a new pid namespace, /proc (the
 * host's) does not. */
static pid_t self_pid(void)
{
    char buf[32];
    ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
    if (n <= 0) return getpid();
    buf[n] = 0;
    return (pid_t)atoi(buf);
}

static void log_line(int obj, const char *data, size_t n, int add_newline)
{
    if (!logdir || n == 0) return;
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s.log", logdir, objs[obj].name);
    /* opened per message: a kept log fd would be one more file for CRIU and the scanners */
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return;
    char *buf = malloc(n + 1);
    if (buf) {
        memcpy(buf, data, n);
        if (add_newline && data[n - 1] != '\n') buf[n++] = '\n';
        if (write(fd, buf, n) < 0) { /* nothing to do: the log is best effort */ }
        free(buf);
    }
    close(fd);
}

/* Lines this process sent itself come back from echoing peers: do not echo them again. */
static int own_origin(const char *d, size_t n)
{
    if (n > 5 + my_name_len && !memcmp(d, "ping ", 5) && !memcmp(d + 5, my_name, my_name_len) &&
        d[5 + my_name_len] == '\n')
        return 1;
    return n > my_name_len && !memcmp(d, my_name, my_name_len) && d[my_name_len] == ' ';
}

static void send_line(struct slot *s, const char *line)
{
    size_t n = strlen(line);
    ssize_t r;
    if (objs[ends[s->end].obj].kind == K_PIPE || objs[ends[s->end].obj].kind == K_FIFO) {
        struct pollfd pf = {s->fd, POLLOUT, 0};
        if (poll(&pf, 1, 0) == 1 && (pf.revents & POLLOUT)) r = write(s->fd, line, n);
        else r = 0;
    } else {
        r = send(s->fd, line, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    (void)r; /* a full or broken peer drops the line; EOF handling closes broken fds */
}

static void run_loop(struct slot *slots, int nslots, int cap)
{
    struct pollfd *pf = calloc((size_t)cap, sizeof(*pf));
    static char buf[65536];
    char line[512];
    sigset_t empty;
    sigemptyset(&empty);
    if (!pf) _exit(4);
    for (;;) {
        long long now = now_ms(), soonest = -1;
        for (int i = 0; i < nslots; i++) {
            struct slot *s = &slots[i];
            pf[i].fd = s->fd; /* -1 (closed, or unbound: nothing to wait for) is skipped */
            pf[i].events = s->mode == M_NONE ? 0 : POLLIN; /* write ends: POLLERR when the reader is gone */
            pf[i].revents = 0;
            if (s->fd >= 0 && s->talk > 0) {
                if (s->next_talk - now > 2LL * s->talk) s->next_talk = now + s->talk; /* clock jump */
                if (soonest < 0 || s->next_talk < soonest) soonest = s->next_talk;
            }
        }
        struct timespec ts, *tsp = NULL;
        if (soonest >= 0) {
            long long d = soonest > now ? soonest - now : 0;
            ts.tv_sec = d / 1000;
            ts.tv_nsec = (d % 1000) * 1000000;
            tsp = &ts;
        }
        int n = ppoll(pf, (nfds_t)nslots, tsp, &empty);
        if (n < 0 && errno != EINTR) _exit(5);
        if (got_chld) {
            got_chld = 0;
            reap_kids(my_index);
        }
        if (got_usr1) {
            got_usr1 = 0;
            snprintf(line, sizeof(line), "ping %s\n", my_name);
            for (int i = 0; i < nslots; i++)
                if (slots[i].fd >= 0 && slots[i].writable) send_line(&slots[i], line);
        }
        for (int i = 0; n > 0 && i < nslots; i++) {
            struct slot *s = &slots[i];
            short re = pf[i].revents;
            if (!re || s->fd < 0) continue;
            if (s->mode == M_ACCEPT) {
                if (re & POLLIN) {
                    int a = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK);
                    if (a >= 0) {
                        if (nslots == cap) {
                            cap *= 2;
                            struct slot *ns = realloc(slots, (size_t)cap * sizeof(*ns));
                            struct pollfd *np = realloc(pf, (size_t)cap * sizeof(*np));
                            if (!ns || !np) _exit(4);
                            slots = ns;
                            pf = np;
                            s = &slots[i];
                        }
                        struct slot *t = &slots[nslots++];
                        memset(t, 0, sizeof(*t));
                        t->fd = a;
                        t->end = -1;
                        t->mode = M_ECHO;
                        t->dgram = s->dgram;
                    }
                }
                continue;
            }
            if (s->mode == M_NONE) { /* write-only end whose reader is gone */
                if (re & (POLLERR | POLLHUP)) close(s->fd), s->fd = -1;
                continue;
            }
            ssize_t r;
            if (s->mode == M_LOG && s->end >= 0 && (objs[ends[s->end].obj].kind == K_PIPE ||
                                                    objs[ends[s->end].obj].kind == K_FIFO))
                r = read(s->fd, buf, sizeof(buf));
            else
                r = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
            if (r < 0) {
                if (errno == EAGAIN || errno == EINTR) continue;
                close(s->fd);
                s->fd = -1;
                continue;
            }
            if (r == 0) {
                if (s->dgram && !(re & (POLLHUP | POLLERR))) continue; /* empty datagram */
                close(s->fd);
                s->fd = -1;
                continue;
            }
            if (s->mode == M_LOG) {
                log_line(ends[s->end].obj, buf, (size_t)r, s->dgram);
            } else if (!own_origin(buf, (size_t)r)) {
                if (send(s->fd, buf, (size_t)r, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == EPIPE) {
                    close(s->fd);
                    s->fd = -1;
                }
            }
        }
        now = now_ms();
        for (int i = 0; i < nslots; i++) {
            struct slot *s = &slots[i];
            if (s->fd < 0 || s->talk <= 0 || s->next_talk > now) continue;
            snprintf(line, sizeof(line), "%s %u\n", my_name, ++s->seq);
            send_line(s, line);
            s->next_talk = now + s->talk; /* no catch-up burst after a long freeze */
        }
    }
}

/* What the director sends over a control socket with each fd (SCM_RIGHTS); end -1 = all sent. */
struct delivery { int end; unsigned long ino; };

static int *ctl_child; /* per process: its end of the control socketpair (director's copy) */
static int *ctl_dir;   /* per process: the director's end */

static int find_own(const struct proc *pr, int e)
{
    int lo = 0, hi = pr->nown - 1; /* own[] is ascending: ends are appended in spec order */
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (pr->own[mid] == e) return mid;
        if (pr->own[mid] < e) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

static void run_proc(int p, int base, int devnull) __attribute__((noreturn));
static void run_proc(int p, int base, int devnull)
{
    struct proc *pr = &procs[p];
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_SETMASK, &mask, NULL); /* only ppoll lets them in */
    got_usr1 = got_chld = got_term = 0;

    my_name = pr->name;
    my_name_len = strlen(my_name);
    my_index = p;
    if (pr->setsid && setsid() < 0) child_fail(p, "setsid");
    prctl(PR_SET_NAME, pr->name, 0, 0, 0);
    proc_setup_early(p); /* namespaces, before the children are forked so they share them */
    /* A session leader holding a pty slave takes it as its controlling terminal before it forks,
     * so its children share it, like a login shell and its jobs (ptys exist before the forks). */
    for (int k = 0; k < pr->nown && pr->setsid; k++) {
        const struct end *e = &ends[pr->own[k]];
        if (e->role != R_SLAVE) continue;
        int src = e->share_of >= 0 ? ends[e->share_of].src : e->src;
        if (ioctl(src, TIOCSCTTY, 0) != 0) child_fail(p, "ioctl(TIOCSCTTY)");
        break;
    }

    for (int k = 0; k < pr->nkids; k++) {
        pid_t c = fork();
        if (c < 0) child_fail(p, "fork");
        if (c == 0) run_proc(pr->kids[k], base, devnull);
        procs[pr->kids[k]].pid = c;
    }

    /* Keep only the report pipe and our control socket, both above every inherited fd and every
     * target, so the final numbers below are free. */
    int top = 3;
    for (int k = 0; k < pr->nown; k++)
        if (ends[pr->own[k]].target >= top) top = ends[pr->own[k]].target + 1;
    if (top > base) base = top;
    int rep = fcntl(report_fd, F_DUPFD, base);
    if (rep < 0) child_fail(p, "fcntl(F_DUPFD) of the report pipe");
    report_fd = rep;
    int ctl = fcntl(ctl_child[p], F_DUPFD, base);
    if (ctl < 0) child_fail(p, "fcntl(F_DUPFD) of the control socket");
    if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0) child_fail(p, "dup2(/dev/null)");
    /* Close every other fd, also between and right above the two: an fd the director inherited
     * at a number >= base (which it never tracked) pushes rep/ctl up and would otherwise survive
     * in every process (seen as a stray pipe at fd 12 = base). */
    int lo = rep < ctl ? rep : ctl, hi = (rep > ctl ? rep : ctl) + 1;
    if (close_range(3, (unsigned)lo - 1, 0) != 0 || (hi - 1 > lo + 1 && close_range((unsigned)lo + 1, (unsigned)hi - 2, 0) != 0) ||
        close_range((unsigned)hi, ~0U, 0) != 0)
        child_fail(p, "close_range");
    report("R %d %d\n", p, (int)self_pid());

    /* Receive our ends, park each above everything, then move them into place. */
    int *tmp = malloc(((size_t)pr->nown + 1) * sizeof(int));
    unsigned long *ino = malloc(((size_t)pr->nown + 1) * sizeof(unsigned long));
    if (!tmp || !ino) child_fail(p, "malloc");
    for (int k = 0; k < pr->nown; k++) tmp[k] = -1;
    for (;;) {
        struct delivery d;
        union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } cm;
        struct iovec iov = {&d, sizeof(d)};
        struct msghdr mh = {0};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = cm.buf;
        mh.msg_controllen = sizeof(cm.buf);
        ssize_t n = recvmsg(ctl, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) child_fail(p, "recvmsg on the control socket");
        if (n == 0) _exit(1); /* director gone */
        if (n != (ssize_t)sizeof(d)) { errno = EPROTO; child_fail(p, "short control message"); }
        if (d.end < 0) break;
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        int k = find_own(pr, d.end);
        if (!c || c->cmsg_type != SCM_RIGHTS || k < 0 || tmp[k] >= 0) { errno = EPROTO; child_fail(p, "bad delivery"); }
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof(int));
        tmp[k] = fcntl(fd, F_DUPFD, hi); /* without FD_CLOEXEC: a CRIU restore keeps flags */
        if (tmp[k] < 0) child_fail(p, "fcntl(F_DUPFD)");
        close(fd);
        ino[k] = d.ino;
    }
    close(ctl);
    for (int k = 0; k < pr->nown; k++) {
        if (ends[pr->own[k]].local) continue;
        if (tmp[k] < 0) { errno = ENOENT; child_fail(p, "an end was never delivered"); }
        if (dup2(tmp[k], ends[pr->own[k]].target) < 0) child_fail(p, "dup2");
    }
    if (close_range((unsigned)hi, ~0U, 0) != 0) child_fail(p, "close_range");
    for (int k = 0; k < pr->nown; k++) {
        struct stat st;
        if (ends[pr->own[k]].local) continue;
        if (fstat(ends[pr->own[k]].target, &st) != 0 || st.st_ino != ino[k]) {
            errno = EBADF;
            child_fail(p, "fd check after placement");
        }
    }
    free(tmp);
    free(ino);
    /* files, io_uring, epoll, locks, SysV IPC: made here, by the process itself */
    make_local_objects(p, hi);
    if (!pr->cwd_deleted && chdir("/") != 0) child_fail(p, "chdir(/)");

    int cap = pr->nown + 16;
    struct slot *slots = calloc((size_t)cap, sizeof(*slots));
    if (!slots) child_fail(p, "calloc");
    long long now = now_ms();
    for (int k = 0; k < pr->nown; k++) {
        struct end *e = &ends[pr->own[k]];
        struct object *o = &objs[e->obj];
        struct slot *s = &slots[k];
        s->fd = e->target;
        s->end = pr->own[k];
        s->dgram = o->type == SOCK_DGRAM;
        switch (e->role) {
        case R_A: case R_B: case R_CLIENT: case R_ACCEPTED:
            s->mode = M_ECHO; s->writable = 1; break;
        case R_LISTEN:
            if (o->pending) s->fd = -1; /* keeps its queue: stays open, never polled */
            else s->mode = M_ACCEPT;
            break;
        case R_SERVER: case R_READ: s->mode = M_LOG; break;
        case R_WRITE: s->mode = M_NONE; s->writable = 1; break;
        default: s->mode = M_NONE; s->fd = -1; /* unbound, pty: nothing to poll, but it stays open */
        }
        if (hold_only(e)) { /* e.g. a half-closed TCP end: reading EOF would close it */
            s->mode = M_NONE;
            s->writable = 0;
            s->fd = -1;
        }
        s->talk = s->writable ? e->talk : 0;
        s->next_talk = now + s->talk;
    }
    report_proc(p);
    report("D %d %d\n", p, (int)self_pid());
    close(rep);
    report_fd = -1;
    proc_setup_late(p); /* traced, zombie, seccomp, threads, stopped */
    run_loop(slots, pr->nown, cap);
    _exit(0);
}



/* ---------- director: handing ends over, collecting reports ---------- */

static int *obj_end_start, *obj_end_list; /* ends grouped by object, shares included */

static void group_ends(void)
{
    obj_end_start = calloc((size_t)nobjs + 1, sizeof(int));
    obj_end_list = malloc(((size_t)nends + 1) * sizeof(int));
    int *fill = calloc((size_t)nobjs + 1, sizeof(int));
    if (!obj_end_start || !obj_end_list || !fill) die("out of memory");
    for (int i = 0; i < nends; i++) obj_end_start[ends[i].obj + 1]++;
    for (int i = 0; i < nobjs; i++) obj_end_start[i + 1] += obj_end_start[i];
    for (int i = 0; i < nends; i++) obj_end_list[obj_end_start[ends[i].obj] + fill[ends[i].obj]++] = i;
    free(fill);
}

static int report_pipe = -1;
static char rbuf[16384];
static size_t rlen;
static int reports_seen, reports_failed;

/* Reads report lines until every process has sent one of kind `want` (R: forked and cleaned up,
 * D: holds exactly its ends) or the pipe ends. Fails with the processes' own reasons. */
static void collect_reports(int fd, char want, long long deadline)
{
    sigset_t empty;
    sigemptyset(&empty);
    report_pipe = fd;
    reports_seen = 0;
    for (int p = 0; p < nprocs; p++) procs[p].reported = 0;
    int eof = 0;
    while (reports_seen < nprocs && !reports_failed && !eof) {
        struct pollfd pf[2] = {{fd, POLLIN, 0}, {watch_stdin ? 0 : -1, POLLIN, 0}};
        long long left = deadline - now_ms();
        if (left <= 0) {
            fprintf(stderr, "atlas-topo: timed out: %d of %d processes set up\n", reports_seen, nprocs);
            teardown(1);
        }
        struct timespec ts = {left / 1000, (left % 1000) * 1000000};
        int n = ppoll(pf, 2, &ts, &empty);
        if (got_term) teardown(1);
        got_chld = 0;
        if (n <= 0) continue;
        if (pf[1].revents) {
            char junk[256];
            ssize_t r = read(0, junk, sizeof(junk));
            if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
                fprintf(stderr, "atlas-topo: stdin closed during setup\n");
                teardown(1);
            }
        }
        if (!pf[0].revents) continue;
        ssize_t r = read(fd, rbuf + rlen, sizeof(rbuf) - rlen - 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) { eof = 1; continue; }
        rlen += (size_t)r;
        char *nl;
        while ((nl = memchr(rbuf, '\n', rlen)) != NULL) {
            *nl = 0;
            int idx, pid, off = 0;
            if ((rbuf[0] == 'R' || rbuf[0] == 'D') && sscanf(rbuf + 1, " %d %d", &idx, &pid) == 2 &&
                idx >= 0 && idx < nprocs) {
                procs[idx].pid = pid;
                if (rbuf[0] == want && !procs[idx].reported) {
                    procs[idx].reported = 1;
                    reports_seen++;
                }
            } else if ((rbuf[0] == 'I' || rbuf[0] == 'O') && sscanf(rbuf + 1, " %d %d %n", &idx, &pid, &off) == 2 &&
                       idx >= 0 && idx < nprocs) {
                /* what a process found out about one of its ends (I) or fd-less objects (O): pid = index */
                const char *rest = rbuf + 1 + off;
                if (rbuf[0] == 'I' && pid >= 0 && pid < nends && ends[pid].proc == idx) {
                    if (!strncmp(rest, "ino=", 4)) ends[pid].ino = strtoul(rest + 4, NULL, 10); /* a local end */
                    else append_info(&ends[pid].rinfo, "%s", rest);
                }
                if (rbuf[0] == 'O' && pid >= 0 && pid < nobjs) append_info(&objs[pid].rinfo, "%s", rest);
            } else if (rbuf[0] == 'P' && sscanf(rbuf + 1, " %d %n", &idx, &off) == 1 && idx >= 0 && idx < nprocs) {
                append_info(&procs[idx].rinfo, "%s", rbuf + 1 + off);
            } else if (rbuf[0] == 'E' && sscanf(rbuf, "E %d %d %n", &idx, &pid, &off) == 2 && idx >= 0 &&
                       idx < nprocs) {
                procs[idx].pid = pid;
                fprintf(stderr, "atlas-topo: process '%s' (pid %d) failed: %s\n", procs[idx].name, pid, rbuf + off);
                reports_failed++;
            }
            size_t used = (size_t)(nl - rbuf) + 1;
            memmove(rbuf, nl + 1, rlen - used);
            rlen -= used;
        }
    }
    if (reports_failed || reports_seen != nprocs) {
        for (int p = 0; p < nprocs && !reports_failed; p++)
            if (!procs[p].reported) fprintf(stderr, "atlas-topo: process '%s' died during setup\n", procs[p].name);
        teardown(1);
    }
}

/* Drains the report pipe without blocking, to name a process that failed while we were sending. */
static void drain_reports(void)
{
    if (report_pipe < 0) return;
    int fl = fcntl(report_pipe, F_GETFL);
    fcntl(report_pipe, F_SETFL, fl | O_NONBLOCK);
    ssize_t r;
    while ((r = read(report_pipe, rbuf + rlen, sizeof(rbuf) - rlen - 1)) > 0) {
        rlen += (size_t)r;
        rbuf[rlen] = 0;
        for (char *l = rbuf; (l = strstr(l, "E ")) != NULL; l++)
            if (l == rbuf || l[-1] == '\n') {
                char *nl = strchr(l, '\n');
                fprintf(stderr, "atlas-topo: %.*s\n", nl ? (int)(nl - l) : (int)strlen(l), l);
            }
        rlen = 0;
    }
}

static void deliver(int e, long long deadline)
{
    struct end *en = &ends[e];
    struct delivery d = {e, en->ino};
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } cm;
    memset(&cm, 0, sizeof(cm));
    struct iovec iov = {&d, sizeof(d)};
    struct msghdr mh = {0};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cm.buf;
    mh.msg_controllen = sizeof(cm.buf);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &en->src, sizeof(int));
    for (;;) {
        if (sendmsg(ctl_dir[en->proc], &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(d)) return;
        /* ETOOMANYREFS: too many fds in flight for this user; the receivers are draining */
        if ((errno == ETOOMANYREFS || errno == EINTR || errno == ENOBUFS) && now_ms() < deadline) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
            continue;
        }
        int err = errno;
        drain_reports();
        errno = err;
        die("handing %s end of '%s' to '%s': %s", role_names[en->role], objs[en->obj].name,
            procs[en->proc].name, strerror(errno));
    }
}


/* ---------- director: lifetime ---------- */

static int comm_matches(pid_t pid, const char *name)
{
    char path[64], comm[64];
    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, comm, sizeof(comm) - 1);
    close(fd);
    if (n <= 0) return 0;
    comm[n] = 0;
    if (comm[n - 1] == '\n') comm[n - 1] = 0;
    return strncmp(comm, name, 15) == 0 && (strlen(comm) == strlen(name) || strlen(comm) == 15);
}

static int pid_exists(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d", (int)pid);
    return access(path, F_OK) == 0;
}

/* Every current child of the director: the top-level processes and, since the director is a
 * subreaper, orphans of the tree (also those it never heard of because setup failed early). */
static void kill_children(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
    FILE *f = fopen(path, "re");
    if (!f) return;
    int pid;
    while (fscanf(f, "%d", &pid) == 1) kill(pid, SIGKILL);
    fclose(f);
}

static void teardown(int code)
{
    built = 0;
    for (int p = 0; p < nprocs; p++) {
        struct proc *pr = &procs[p];
        if (pr->pid <= 0) continue;
        /* An unreaped child of ours cannot have a recycled pid; anything else must still carry
         * our name (restored tasks keep pid and comm). A session leader takes its group along. */
        if ((pr->parent < 0 && !pr->reaped) || comm_matches(pr->pid, pr->name)) {
            if (pr->setsid) kill(-pr->pid, SIGKILL);
            kill(pr->pid, SIGKILL);
        }
    }
    kill_children();
    long long deadline = now_ms() + 10000;
    for (;;) {
        while (waitpid(-1, NULL, WNOHANG) > 0) {}
        kill_children();
        int left = 0;
        for (int p = 0; p < nprocs; p++)
            if (procs[p].pid > 0 && pid_exists(procs[p].pid) &&
                (!procs[p].reaped || comm_matches(procs[p].pid, procs[p].name)))
                left++;
        if (!left) break;
        if (now_ms() > deadline) {
            fprintf(stderr, "atlas-topo: %d processes still present after SIGKILL\n", left);
            break;
        }
        struct timespec ts = {0, 5 * 1000000};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < nobjs; i++)
        if (objs[i].made_file && objs[i].path && !objs[i].local) unlink(objs[i].path);
    teardown_kinds();
    fflush(stdout);
    exit(code);
}

/* Process attributes from the spec (namespaces come from the process itself). */
static char *proc_attrs(int p)
{
    struct proc *pr = &procs[p];
    char *a = NULL;
    if (pr->threads > 1) append_info(&a, "threads=%d", pr->threads);
    if (pr->stopped) append_info(&a, "state=stopped");
    if (pr->traced) append_info(&a, "state=traced tracer=%s", procs[pr->parent].name);
    if (pr->zombie) append_info(&a, "state=zombie");
    if (pr->seccomp) append_info(&a, "seccomp=filter");
    if (pr->mnt) append_info(&a, "tmpfs=%s", pr->mnt);
    if (pr->cwd_deleted) append_info(&a, "cwd=%s", pr->cwd);
    return a;
}

static void print_manifest(void)
{
    char buf[PATH_MAX + 16];
    printf("director %d\n", (int)getpid());
    /* attributes (k=v) follow the fixed words: what the director knows, then what the holder reported */
#define ATTRS(a, b) (a) ? " " : "", (a) ? (a) : "", (b) ? " " : "", (b) ? (b) : ""
    for (int p = 0; p < nprocs; p++)
        printf("proc %s %d %s%s%s%s%s\n", procs[p].name, (int)procs[p].pid,
               procs[p].parent >= 0 ? procs[procs[p].parent].name : "-", ATTRS(proc_attrs(p), procs[p].rinfo));
    for (int i = 0; i < nobjs; i++) {
        struct object *o = &objs[i];
        printf("object %s %s %s %s %s%s%s%s%s\n", o->name, kind_names[o->kind], type_name(o->type),
               addr_text(o, buf, sizeof(buf)), o->server >= 0 ? objs[o->server].name : "-", ATTRS(o->info, o->rinfo));
    }
    for (int i = 0; i < nends; i++) {
        struct end *e = &ends[i];
        struct proc *pr = &procs[e->proc];
        const char *dinfo = e->share_of >= 0 ? ends[e->share_of].info : e->info;
        printf("end %s %s %s %d %d %lu%s%s%s%s\n", objs[e->obj].name, role_names[e->role], pr->name,
               (int)pr->pid, e->target, e->ino, ATTRS(dinfo, e->rinfo));
    }
#undef ATTRS
    printf("ready\n");
    fflush(stdout);
}

/* Reads the spec: a file, or stdin up to a line "go" (stdin then stays open as the lifeline). */
static void read_spec(const char *file)
{
    int fd = 0;
    if (!file && !watch_stdin) die("--no-stdin needs a spec file");
    if (file && strcmp(file, "-") != 0) {
        fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) die("cannot open spec '%s': %s", file, strerror(errno));
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) die("out of memory");
    int lineno = 0;
    for (;;) {
        char *nl;
        while ((nl = memchr(buf, '\n', len)) != NULL) {
            *nl = 0;
            spec_line = ++lineno;
            char *l = buf;
            while (*l == ' ' || *l == '\t') l++;
            int go = fd == 0 && (!strcmp(l, "go") || !strcmp(l, "go\r"));
            if (!go) parse_line(l);
            size_t used = (size_t)(nl - buf) + 1;
            memmove(buf, nl + 1, len - used);
            len -= used;
            if (go) { spec_line = 0; free(buf); return; }
        }
        if (len + 1 >= cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) die("out of memory");
            buf = nb;
        }
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) die("reading spec: %s", strerror(errno));
        if (r == 0) {
            if (fd == 0) die("stdin ended before the line 'go'");
            if (len) { buf[len] = 0; spec_line = ++lineno; parse_line(buf); }
            break;
        }
        len += (size_t)r;
    }
    spec_line = 0;
    free(buf);
    close(fd);
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
    fprintf(stderr, "usage: atlas-topo [--logdir DIR] [--sockdir DIR] [--timeout SEC] [--no-stdin] [SPEC|-]\n"
                    "  SPEC is a file; without it (or with -) the spec is read from stdin up to a line 'go'.\n"
                    "  Prints the manifest and 'ready'; tears everything down at stdin EOF or SIGTERM/SIGINT\n"
                    "  (--no-stdin: only on a signal).\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *file = NULL;
    int timeout_s = 120;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--logdir") && i + 1 < argc) logdir = argv[++i];
        else if (!strcmp(argv[i], "--sockdir") && i + 1 < argc) sockdir = argv[++i];
        else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) timeout_s = parse_int(argv[++i], 1, 86400, "timeout");
        else if (!strcmp(argv[i], "--no-stdin")) watch_stdin = 0;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) usage();
        else if (!file && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) file = argv[i];
        else usage();
    }
    static char logbuf[PATH_MAX], sockbuf[PATH_MAX];
    if (logdir) {
        if (!realpath(logdir, logbuf)) die("--logdir %s: %s", logdir, strerror(errno));
        logdir = logbuf;
    }
    if (sockdir) {
        if (!realpath(sockdir, sockbuf)) die("--sockdir %s: %s", sockdir, strerror(errno));
        sockdir = sockbuf;
    } else {
        sockdir = logdir ? logdir : "/tmp";
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigset_t mask, empty;
    sigemptyset(&mask);
    sigemptyset(&empty);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGUSR1);
    sigprocmask(SIG_BLOCK, &mask, NULL);

    read_spec(file);
    if (!nprocs) die("the spec defines no process");
    check_spec();
    /* Whatever our parent leaked to us (a CI runner's or a shell's pipe) is no object of ours:
     * the director holds only its stdio plus what it tracks, so base (below) is above every fd. */
    if (close_range(3, ~0U, 0) != 0) die("close_range: %s", strerror(errno));
    int maxtarget = place_fds();
    group_ends();

    /* Orphans of the tree come back to us, so teardown can reap every one of them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    raise_nofile(4L * nprocs + 2L * maxtarget + 4096);
    struct rlimit nofile;
    /* each process parks its ends above its highest fd before moving them into place */
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && (long)maxtarget + 64 > (long)nofile.rlim_cur)
        die("fd %d is too close to the open-file limit (%ld)", maxtarget, (long)nofile.rlim_cur);

    int devnull = track(open("/dev/null", O_RDWR));
    if (devnull < 0) die("open(/dev/null): %s", strerror(errno));
    int rp[2];
    if (pipe(rp) != 0) die("pipe: %s", strerror(errno));
    track(rp[0]);
    report_fd = track(rp[1]);
    ctl_child = calloc((size_t)nprocs, sizeof(int));
    ctl_dir = calloc((size_t)nprocs, sizeof(int));
    if (!ctl_child || !ctl_dir) die("out of memory");
    built = 1;
    prepare_dirs(); /* mount points and the like: teardown removes them */
    for (int p = 0; p < nprocs; p++) {
        int c[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c) != 0)
            die("control socketpair for %d processes: %s", nprocs, strerror(errno));
        ctl_dir[p] = track(c[0]);
        ctl_child[p] = track(c[1]);
        struct timeval tv = {timeout_s, 0};
        setsockopt(c[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    }
    /* ptys first: a session leader takes its terminal before it forks its children */
    for (int i = 0; i < nobjs; i++)
        if (objs[i].kind == K_PTY) build_object(i);
    int base = maxfd_seen + 1;

    fflush(stdout);
    fflush(stderr);
    for (int p = 0; p < nprocs; p++) {
        if (procs[p].parent >= 0) continue;
        pid_t c = fork();
        if (c < 0) die("fork: %s", strerror(errno));
        if (c == 0) run_proc(p, base, devnull);
        procs[p].pid = c;
    }
    for (int p = 0; p < nprocs; p++) close(ctl_child[p]);
    close(rp[1]);
    close(devnull);
    report_fd = -1;
    long long deadline = now_ms() + timeout_s * 1000LL;
    collect_reports(rp[0], 'R', deadline);

    /* Objects are made here and handed over one by one, so the director never holds more than a
     * few at a time (the hard fd limit may be low and cannot always be raised). Listeners stay
     * until every connect line is accepted. */
    for (int i = 0; i < nobjs; i++) {
        if (objs[i].local) continue; /* made by its holder (files, io_uring, locks, SysV IPC...) */
        if (objs[i].kind != K_PTY) build_object(i);
        for (int k = obj_end_start[i]; k < obj_end_start[i + 1]; k++) {
            struct end *e = &ends[obj_end_list[k]];
            if (e->share_of >= 0) e->src = ends[e->share_of].src;
            struct stat st;
            if (fstat(e->src, &st) != 0) die("fstat: %s", strerror(errno));
            e->ino = (unsigned long)st.st_ino;
            deliver(obj_end_list[k], deadline);
        }
        for (int k = obj_end_start[i]; k < obj_end_start[i + 1]; k++) {
            struct end *e = &ends[obj_end_list[k]];
            if (e->share_of < 0 && e->role != R_LISTEN) close(e->src);
        }
    }
    for (int i = 0; i < nobjs; i++)
        if (objs[i].kind == K_LISTEN || objs[i].kind == K_TCP_LISTEN) close(ends[objs[i].ends[R_LISTEN]].src);
    for (int p = 0; p < nprocs; p++) {
        struct delivery done = {-1, 0};
        if (send(ctl_dir[p], &done, sizeof(done), MSG_NOSIGNAL) != (ssize_t)sizeof(done))
            die("telling '%s' that all its ends were sent: %s", procs[p].name, strerror(errno));
        close(ctl_dir[p]);
    }
    collect_reports(rp[0], 'D', deadline);
    /* A process closes its report pipe right after its D line: EOF means none holds it any more. */
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd pf = {rp[0], POLLIN, 0};
        if (left <= 0 || poll(&pf, 1, (int)left) <= 0) {
            fprintf(stderr, "atlas-topo: timed out waiting for the processes to close the report pipe\n");
            teardown(1);
        }
        char junk[512];
        ssize_t r = read(rp[0], junk, sizeof(junk));
        if (r == 0) break;
        if (r < 0 && errno != EINTR) die("reading reports: %s", strerror(errno));
    }
    close(rp[0]);
    await_process_states(deadline);
    print_manifest();

    /* Alive until stdin EOF or SIGTERM/SIGINT; report exits of the tree's processes. */
    for (;;) {
        struct pollfd pf = {watch_stdin ? 0 : -1, POLLIN, 0};
        int n = ppoll(&pf, 1, NULL, &empty);
        if (got_term) teardown(0);
        if (got_chld) {
            got_chld = 0;
            int st;
            pid_t w;
            while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
                for (int p = 0; p < nprocs; p++)
                    if (procs[p].pid == w) procs[p].reaped = 1;
                printf("exit %d %d\n", (int)w, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
                fflush(stdout);
            }
        }
        if (n > 0 && pf.revents) {
            char junk[256];
            ssize_t r = read(0, junk, sizeof(junk));
            if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) teardown(0);
        }
    }
}
