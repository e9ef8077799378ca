/*
 * atlas-topo: what the core (atlas-topo.c: spec parsing, the director, process life, teardown)
 * and the kinds beyond unix sockets, pipes, FIFOs and ptys (kinds.c: inet/raw/packet/netlink
 * sockets, files and locks, anon inodes, SysV IPC, per-process state and namespaces) share.
 */
#ifndef ATLAS_TOPO_H
#define ATLAS_TOPO_H

#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

enum kind {
    K_SOCKETPAIR, K_LISTEN, K_DGRAM_SERVER, K_CONNECT, K_PIPE, K_FIFO, K_UNBOUND, K_PTY,
    /* kinds.c */
    K_TCP_LISTEN, K_TCP_CONNECT, K_UDP, K_RAW, K_PACKET, K_NETLINK,
    K_FILE, K_MEMFD, K_EVENTFD, K_TIMERFD, K_SIGNALFD, K_INOTIFY, K_FANOTIFY, K_EPOLL, K_IO_URING,
    K_USERFAULTFD, K_PIDFD, K_BPF_MAP, K_PERF, K_DEVTTY,
    K_LOCK, K_SHM, K_SEM, K_MSGQ,
    K_COUNT
};
extern const char *const kind_names[K_COUNT];

enum role { R_A, R_B, R_LISTEN, R_SERVER, R_CLIENT, R_ACCEPTED, R_WRITE, R_READ, R_SOCK, R_MASTER, R_SLAVE, R_FD, R_COUNT };
extern const char *const role_names[R_COUNT];

struct proc {
    char *name;
    int parent;     /* index or -1 */
    int setsid;
    pid_t pid;
    int *kids, nkids, capkids;
    int *own, nown, capown; /* end indices */
    int reported;
    int reaped;     /* the director reaped it: its pid may be recycled */
    /* kinds.c: per-process state */
    int unshare_flags; /* CLONE_NEW* the process unshares before forking its children */
    char *mnt;      /* tmpfs mount point in its own mount namespace, or NULL */
    int threads;    /* total number of threads (0/1 = just the main one) */
    int stopped, traced, zombie, seccomp, cwd_deleted;
    char *cwd;      /* cwd=deleted: the directory it made and removed */
    char *rinfo;    /* what the process reported about itself (namespaces) */
};

struct object {
    char *name;
    int kind;
    int type;      /* SOCK_STREAM/DGRAM/SEQPACKET, 0 for pipes */
    char *path;    /* filesystem name (socket file, FIFO, regular file), or NULL */
    char *abs;     /* abstract name, or NULL */
    int server;    /* connect/tcp-connect: object index of the server; udp: peer; lock: file; -1 */
    int ends[R_COUNT]; /* original end per role, -1 if none */
    int made_file; /* we created path: unlink at teardown */
    int pending;   /* connect: left in the listener's accept queue; listen: has such connections */
    int queued;    /* listen, while building: a pending connection is queued (accept() would take it) */
    /* kinds.c */
    int local;     /* made by the holding process itself, not by the director */
    int holder;    /* process of an object without an fd (lock, shm, sem, msgq), else -1 */
    int family;    /* AF_INET / AF_INET6 */
    char *ip;      /* address to bind */
    int port;      /* port to bind, 0 = any */
    int proto;     /* raw: IP protocol; netlink: protocol; packet: SOCK_RAW or SOCK_DGRAM */
    int shut;      /* tcp-connect: role that shut down writing, -1 */
    int target;    /* pidfd: process */
    int on;        /* file: ON_TMP, ON_SHM, ON_MNT */
    int deleted;   /* file: 0, DEL_GHOST (no name left), DEL_LINKED (another name left) */
    long long size;
    int ltype, lwrite;           /* lock: LK_FLOCK/LK_POSIX/LK_OFD, write lock */
    long long lstart, llen;      /* lock range (POSIX/OFD) */
    int *watch, nwatch;          /* epoll: objects whose ends in the holder are watched */
    int undo;                    /* sem: SEM_UNDO on the first semop */
    char *info;    /* manifest attributes the director knows (k=v ...) */
    char *rinfo;   /* manifest attributes the holder reported (k=v ...) */
};

struct end {
    int obj, role, proc;
    int share_of; /* original end index for shares, else -1 */
    int src;      /* fd in the director */
    int target;   /* fd in the process; -1 = auto */
    int talk;     /* ms, 0 = silent */
    unsigned long ino;
    int local;    /* made by the process itself (kinds.c) */
    char *info;   /* manifest attributes the director knows */
    char *rinfo;  /* manifest attributes the process reported */
};

enum { ON_TMP, ON_SHM, ON_MNT };
enum { DEL_NONE, DEL_GHOST, DEL_LINKED };
enum { LK_FLOCK, LK_POSIX, LK_OFD };

extern struct proc *procs;
extern int nprocs;
extern struct object *objs;
extern int nobjs;
extern struct end *ends;
extern int nends;
extern const char *sockdir;

/* atlas-topo.c */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void append_info(char **info, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int find_proc(const char *name);
int find_object(const char *name);
int add_end(int obj, int role, int proc, int share_of);
int add_object(const char *name, int kind, int type);
int parse_int(const char *s, int lo, int hi, const char *what);
long long parse_size(const char *s, const char *what);
void parse_end_options(int obj, char **tok, int ntok);
void need(int ntok, int min, const char *usage);
int track(int fd);
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void child_fail(int p, const char *what) __attribute__((noreturn));

/* kinds.c */
int primary_role_of(int kind);
int parse_kind_statement(char **tok, int ntok);   /* 1 if tok[0] is one of its statements */
int parse_proc_option(int p, const char *opt);   /* 1 if handled */
void check_spec(void);                           /* after parsing: combinations that cannot work */
void prepare_dirs(void);                         /* director, before forking: mount points */
void build_kind_object(int i);                   /* director: one object of a kinds.c kind */
void proc_setup_early(int p);                    /* process: namespaces, before forking its children */
void make_local_objects(int p, int park_above);  /* process: its own objects, after placement */
void report_proc(int p);                         /* process: P line (namespaces, cwd) */
void proc_setup_late(int p);                     /* process: after 'D': traced, zombie, seccomp, threads, stop */
void reap_kids(int p);                           /* process: SIGCHLD; keeps zombies, continues tracees */
int hold_only(const struct end *e);
void await_process_states(long long deadline_ms); /* director: stopped/traced/zombie/... are real */              /* the end is held but never read or written */
void teardown_kinds(void);                       /* director: files, dirs, SysV objects */

#endif
