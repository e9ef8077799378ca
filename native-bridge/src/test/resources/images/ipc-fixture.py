#!/usr/bin/python3
"""A process tree with every kind of IPC object the image reader must show, for dump tests.

Usage: ipc-fixture.py DIR
The launcher (R) stays outside the dump. It forks the dump root C, which builds the objects, forks
a grandchild G and a zombie Z, and reports back. R prints one line:
  READY <C pid> <ext pair ino (C's end)> <ext dgram client ino> <G pid> <Z pid>
then waits until killed. Outside the dump, R holds: the other end of a STREAM socketpair, a named
DGRAM server C is connected to, and the write end of a pipe whose read end C holds.

READY means the tree is final: R prints it only at EOF of the ready pipe, i.e. after C, G and Z
have all closed their copies of its write end, which each does as its very last change. (Printing
it on the first line let a test snapshot /proc while C still held the ready pipe at fd 9 and then
dump after C closed it.)
"""
import os, signal, socket, sys, time

d = sys.argv[1]
ext_a, ext_b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
srv_path = os.path.join(d, "ext-dgram.sock")
srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
srv.bind(srv_path)
out_r, out_w = os.pipe()
os.write(out_w, b"from-outside")
ready_r, ready_w = os.pipe()

c = os.fork()
if c == 0:
    os.setsid()
    ext_a.close(); srv.close(); os.close(out_w); os.close(ready_r)
    null = os.open("/dev/null", os.O_RDWR)
    for i in (0, 1, 2):
        os.dup2(null, i)
    os.close(null)
    s1a, s1b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    s2a, s2b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    s3a, s3b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lst.bind(os.path.join(d, "listen.sock")); lst.listen(8)
    cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cli.connect(os.path.join(d, "listen.sock"))
    acc, _ = lst.accept()
    cli.send(b"to-server")
    abs_name = "\0atlas-img-%d" % os.getpid()
    asrv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); asrv.bind(abs_name)
    acli = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); acli.connect(abs_name)
    acli.send(b"one"); acli.send(b"two!")
    unconn = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ext_cli = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); ext_cli.connect(srv_path)
    s1a.send(b"hello"); s3a.send(b"pkt1"); s3a.send(b"pkt22")
    p1r, p1w = os.pipe(); os.write(p1w, b"12345")
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    ff = os.open(fifo, os.O_RDWR); os.write(ff, b"fifo-data")
    reg = os.open(os.path.join(d, "file.txt"), os.O_WRONLY | os.O_CREAT, 0o644)
    z = os.fork()
    if z == 0:
        os._exit(7)
    g = os.fork()
    if g == 0:
        s1a.close(); os.close(p1w); s2a.close()
        os.close(ready_w)  # last: R's EOF on the ready pipe says G is done
        while True:
            signal.pause()
    s1b.close(); os.close(p1r); s2b.close()
    while True:
        try:
            if os.waitid(os.P_PID, z, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None:
                break
        except ChildProcessError:
            break
        time.sleep(0.01)
    os.write(ready_w, ("%d %d %d\n" % (ext_cli.fileno() and os.fstat(ext_cli.fileno()).st_ino, g, z)).encode())
    os.close(ready_w)
    while True:
        signal.pause()

os.close(out_r); os.close(ready_w)
line = b""
while True:  # until EOF: every copy of the write end (C, G, Z) is closed
    chunk = os.read(ready_r, 100)
    if not chunk:
        break
    line += chunk
os.close(ready_r)
if not line.endswith(b"\n"):
    sys.exit("dump root died")
ext_cli_ino, g, z = line.split()
print("READY %d %d %s %s %s" % (c, os.fstat(ext_b.fileno()).st_ino, ext_cli_ino.decode(), g.decode(), z.decode()), flush=True)
ext_b.close()
while True:
    signal.pause()
