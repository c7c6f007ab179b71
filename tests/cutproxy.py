#!/usr/bin/env python3
"""cutproxy.py SOCKET_DIR LIMIT PORTFILE - a TCP proxy to the PostgreSQL
socket in SOCKET_DIR that cuts every connection, without a word, once LIMIT
bytes have passed through it in all (both ways, all connections), and then
refuses new ones: a network that goes away in the middle of a job.  The
port it listens on (127.0.0.1) is written to PORTFILE; at exit it prints
the bytes that passed.  LIMIT 0: never cut (to measure a whole run)."""
import os
import selectors
import signal
import socket
import sys

sockdir, limit, portfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsn.bind(("127.0.0.1", 0))
lsn.listen(64)
tmp = portfile + ".tmp"
with open(tmp, "w") as f:
    f.write(str(lsn.getsockname()[1]))
os.rename(tmp, portfile)
sel = selectors.DefaultSelector()
sel.register(lsn, selectors.EVENT_READ, None)
peer = {}
total = 0
cut = False


def stop(*_):
    sys.stdout.write("%d\n" % total)
    sys.stdout.flush()
    os._exit(0)


signal.signal(signal.SIGTERM, stop)


def close(s):
    o = peer.pop(s, None)
    for x in (s, o):
        if x is None:
            continue
        try:
            sel.unregister(x)
        except Exception:
            pass
        try:
            x.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
        except Exception:
            pass
        x.close()
        peer.pop(x, None)


while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s is lsn:
            c, _ = lsn.accept()
            if cut:
                c.close()
                continue
            u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                u.connect(os.path.join(sockdir, ".s.PGSQL.5432"))
            except OSError:
                c.close()
                continue
            peer[c], peer[u] = u, c
            sel.register(c, selectors.EVENT_READ, None)
            sel.register(u, selectors.EVENT_READ, None)
            continue
        if s not in peer:
            continue
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if not data:
            close(s)
            continue
        if limit and total + len(data) > limit:
            cut = True
            for x in list(peer):
                if x in peer:
                    close(x)
            continue
        total += len(data)
        try:
            peer[s].sendall(data)
        except OSError:
            close(s)
