#!/usr/bin/env python3
"""Builds one small real process topology for the planner's CRIU matrix and describes it.

The main process (OUTSIDE) stays outside the dump; it forks INSIDE (the root to dump), which may
fork a grandchild. After setup OUTSIDE prints one JSON line describing processes, sockets and
pipes (inodes read from the kernel, holders from /proc/PID/fd), then obeys commands on stdin:
  restore IMG none|inherit KEY   kill INSIDE, restore it with criu (handing in a new socket/pipe end
                                 for KEY when 'inherit'), then check that data flows; prints JSON
  quit                           kill everything and exit
INSIDE processes must not use PR_SET_PDEATHSIG: CRIU restores it, and the restored task would be
killed when the restoring criu exits. The test kills every pid it was told about instead.
"""
import ctypes, json, os, pty, signal, socket, subprocess, sys, time

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
case = sys.argv[1]
criu = sys.argv[2]
work = sys.argv[3]
TYPES = {"stream": socket.SOCK_STREAM, "dgram": socket.SOCK_DGRAM, "seqpacket": socket.SOCK_SEQPACKET}
# become the reaper of restored processes, so they are never orphaned to init
libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def die_with_parent():
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def ino(fd):
    return os.fstat(fd if isinstance(fd, int) else fd.fileno()).st_ino


def echo_forever(sk):
    """Inside: answer every message with 'echo:' + message (the data-flow check after restore)."""
    while True:
        try:
            m = sk.recv(100)
        except OSError:
            time.sleep(0.05)
            continue
        if not m:
            time.sleep(0.05)
            continue
        sk.send(b"echo:" + m)


def log_pipe_forever(fd, path):
    """Inside: append everything read from the pipe to a log file."""
    while True:
        d = os.read(fd, 100)
        if not d:
            with open(path, "ab") as f:
                f.write(b"<EOF>")
            time.sleep(3600)
        with open(path, "ab") as f:
            f.write(d)


def sleep_forever():
    while True:
        time.sleep(1)


def child(fn, session=True, close=()):
    """Forks INSIDE; it drops the objects that belong to OUTSIDE and gets /dev/null as stdio."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        for o in close:
            os.close(o) if isinstance(o, int) else o.close()
        n = os.open("/dev/null", os.O_RDWR)
        for i in (0, 1, 2):
            os.dup2(n, i)
        os.close(n)
        if session:
            os.setsid()
        os.write(w, b"x")
        os.close(w)
        try:
            fn()
        finally:
            os._exit(0)
    os.close(w)
    os.read(r, 1)
    os.close(r)
    return pid


desc = {"case": case, "outside": os.getpid(), "socks": [], "pipes": [], "facts": {}}
sock_meta = {}  # ino -> (type, name, peer, pending)
keep = []       # objects OUTSIDE must keep open
restore_key_end = {}
path = os.path.join(work, "srv.sock")

if case.startswith("pair-"):
    t = case.split("-")[1]
    a, b = socket.socketpair(socket.AF_UNIX, TYPES[t])
    ia, ib = ino(a), ino(b)
    inside = child(lambda: echo_forever(b), close=[a])
    b.close()
    keep.append(a)
    sock_meta[ia] = (t, "", ib, [])
    sock_meta[ib] = (t, "", ia, [])
    desc["facts"] = {"ours": ib, "theirs": ia}
    restore_key_end["sock"] = (t, a)
elif case == "dgram-named":
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    srv.bind(path)
    cl = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    cl.connect(path)
    inside = child(sleep_forever, close=[srv])
    keep.append(srv)
    sock_meta[ino(srv)] = ("dgram", path, 0, [])
    sock_meta[ino(cl)] = ("dgram", "", ino(srv), [])
    desc["facts"] = {"ours": ino(cl), "theirs": ino(srv)}
    cl.close()
elif case in ("stream-named", "seqpacket-named"):
    t = case.split("-")[0]
    lst = socket.socket(socket.AF_UNIX, TYPES[t])
    lst.bind(path)
    lst.listen(5)
    cl = socket.socket(socket.AF_UNIX, TYPES[t])
    cl.connect(path)
    acc, _ = lst.accept()
    inside = child(sleep_forever, close=[lst, acc])
    keep += [lst, acc]
    sock_meta[ino(lst)] = (t, path, 0, [])
    sock_meta[ino(acc)] = (t, path, ino(cl), [])
    sock_meta[ino(cl)] = (t, "", ino(acc), [])
    desc["facts"] = {"ours": ino(cl), "theirs": ino(acc)}
    cl.close()
elif case in ("listener-accepted", "listener-pending"):
    lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lst.bind(path)
    lst.listen(5)
    cl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cl.connect(path)
    pending = case == "listener-pending"
    if pending:
        inside = child(sleep_forever, close=[cl])
        # the queued socket: sock_diag shows it in the listener's queue with no peer of its own
        sock_meta[ino(lst)] = ("stream", path, 0, [-1])
        sock_meta[ino(cl)] = ("stream", "", -1, [])
        desc["facts"] = {"ours": -1, "theirs": ino(cl)}
    else:
        acc, _ = lst.accept()
        inside = child(sleep_forever, close=[cl])
        sock_meta[ino(lst)] = ("stream", path, 0, [])
        sock_meta[ino(acc)] = ("stream", path, ino(cl), [])
        sock_meta[ino(cl)] = ("stream", "", ino(acc), [])
        desc["facts"] = {"ours": ino(acc), "theirs": ino(cl)}
        acc.close()
    lst.close()
    keep.append(cl)
elif case in ("pipe-in", "pipe-out"):
    r, w = os.pipe()
    ir = ino(r)
    log = os.path.join(work, "pipe.log")
    if case == "pipe-in":   # OUTSIDE writes, INSIDE reads and logs
        inside = child(lambda: log_pipe_forever(r, log), close=[w])
        os.close(r)
        keep.append(w)
        restore_key_end["pipe"] = w
    else:                   # INSIDE writes, OUTSIDE reads
        inside = child(sleep_forever, close=[r])
        os.close(w)
        keep.append(r)
    desc["facts"] = {"ours": ir, "theirs": ir, "log": log}
elif case == "session":
    inside = child(sleep_forever, session=False)
elif case in ("tty-leader", "tty-member"):
    pid, master = pty.fork()
    if pid == 0:
        g = os.fork()
        if g == 0:
            sleep_forever()
        os.write(1, (str(g) + "\n").encode())
        sleep_forever()
    line = b""
    while not line.endswith(b"\n"):
        line += os.read(master, 100)
    grand = int(line.split()[-1])
    keep.append(master)
    inside = pid if case == "tty-leader" else grand
elif case == "shared":
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    ia, ib = ino(a), ino(b)
    r, w = os.pipe()
    inside = child(sleep_forever)
    b.close()
    os.close(r)
    keep += [a, w]  # OUTSIDE keeps copies of one socket end and of the pipe's write end
    sock_meta[ia] = ("stream", "", ib, [])
    sock_meta[ib] = ("stream", "", ia, [])
    desc["facts"] = {"ours": ia, "theirs": ia}
elif case.startswith("pipes-"):
    n = int(case.split("-")[1])
    import resource
    resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))

    def many():
        ps = [os.pipe() for _ in range(n)]
        sleep_forever()
    inside = child(many)
else:
    sys.exit("unknown case " + case)

desc["inside"] = inside


def pids_of_tree():
    out = {os.getpid()}
    changed = True
    while changed:
        changed = False
        for d in os.listdir("/proc"):
            if not d.isdigit() or int(d) in out:
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if ppid in out:
                out.add(int(d))
                changed = True
    return sorted(out)


def describe():
    procs, holders, pipes = [], {}, {}
    for pid in pids_of_tree():
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        fields = st.rsplit(")", 1)[1].split()
        ppid, pgid, sid = int(fields[1]), int(fields[2]), int(fields[3])
        fds = []
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
                with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                    flags = int([l for l in f if l.startswith("flags:")][0].split()[1], 8)
            except OSError:
                continue
            fds.append({"fd": int(fd), "target": target, "flags": flags})
        procs.append({"pid": pid, "ppid": ppid if pid != os.getpid() else 0, "pgid": pgid, "sid": sid, "comm": comm,
                      "state": fields[0], "fds": fds})
    desc["procs"] = procs
    for ino_, (t, name, peer, pending) in sock_meta.items():
        desc["socks"].append({"ino": ino_, "type": t, "name": name, "peer": peer, "pending": pending})


describe()
# the queued socket of listener-pending has no fd anywhere: give it a made-up inode the planner can key on
if case == "listener-pending":
    fake = 1
    for s in desc["socks"]:
        if s["ino"] == -1:
            s["ino"] = fake
        if s["peer"] == -1:
            s["peer"] = fake
        s["pending"] = [fake if x == -1 else x for x in s["pending"]]
    desc["socks"].append({"ino": fake, "type": "stream", "name": "", "peer": 0, "pending": []})
    desc["facts"]["ours"] = fake
print(json.dumps(desc), flush=True)


def wait_gone(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for _ in range(200):
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            pass
        if not os.path.exists("/proc/%d" % pid):
            return
        time.sleep(0.02)


def restore(img, mode, key):
    res = {"restored": False}
    wait_gone(inside)
    cmd = [criu, "restore", "-d", "-D", img, "-o", "restore.log", "-v4", "--pidfile", os.path.join(img, "restore.pid")]
    passfds = []
    mine = None
    if mode == "inherit" and key.startswith("socket:"):
        t, _ = restore_key_end["sock"]
        mine, theirs = socket.socketpair(socket.AF_UNIX, TYPES[t])
        passfds.append(theirs.fileno())
        cmd += ["--inherit-fd", "fd[%d]:%s" % (theirs.fileno(), key)]
    elif mode == "inherit" and key.startswith("pipe:"):
        rr, ww = os.pipe()
        passfds.append(rr)
        cmd += ["--inherit-fd", "fd[%d]:%s" % (rr, key)]
        mine = ww
    p = subprocess.run(cmd, pass_fds=passfds, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    with open(os.path.join(img, "restore.log"), errors="replace") as f:
        lines = f.read().splitlines()
    res["rc"] = p.returncode
    res["errors"] = [l for l in lines if "Error" in l and "RLIMIT" not in l][:6]
    res["restored"] = any("Restore finished successfully" in l for l in lines)
    time.sleep(0.3)
    if res["restored"] and mine is not None and key.startswith("socket:"):
        mine.settimeout(3)
        try:
            mine.send(b"ping")
            res["reply"] = mine.recv(100).decode()
        except OSError as e:
            res["reply"] = "error: " + str(e)
    if res["restored"] and key.startswith("pipe:"):
        log = desc["facts"]["log"]
        open(log, "wb").close()
        if mine is not None:
            os.write(mine, b"after-restore")
        time.sleep(0.5)
        with open(log, "rb") as f:
            res["reply"] = f.read().decode()
    try:
        with open(os.path.join(img, "restore.pid")) as f:
            rp = int(f.read().strip())
        res["pid"] = rp
        wait_gone(rp)
    except (OSError, ValueError):
        pass
    return res


for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    if parts[0] == "quit":
        break
    if parts[0] == "restore":
        print(json.dumps(restore(parts[1], parts[2], parts[3] if len(parts) > 3 else "")), flush=True)
os.killpg(0, 0) if False else None
for pid in pids_of_tree():
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
