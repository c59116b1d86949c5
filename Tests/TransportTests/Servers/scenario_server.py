# SPDX-License-Identifier: Apache-2.0
"""A deliberately misbehaving HTTP/1.1 (optionally TLS) server for TransportTests.

It writes raw bytes so that every framing case (chunked with trailers, close-delimited, ambiguous
lengths, stalls, mid-body closes, zip bombs) is exactly what the test asks for. It binds 127.0.0.1
only, prints its port on stdout, and exits when its stdin closes (so it never outlives the tests).

    python3 scenario_server.py [--cert C --key K [--client-ca CA]] [--proxy]
"""
import argparse
import gzip
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
import zlib

LOCK = threading.Lock()
STATS = {"connections": 0, "tunnels": 0, "proxy_authorization": None}
BOMB = {}


def count(key):
    with LOCK:
        STATS[key] += 1
        return STATS[key]


def pattern(n):
    block = bytes(range(256))
    return (block * (n // 256 + 1))[:n]


def bomb():
    with LOCK:
        if "gzip" not in BOMB:
            BOMB["gzip"] = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)
        return BOMB["gzip"]


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.drop_next = False

    def read_until(self, marker, limit=1 << 20):
        while marker not in self.buf:
            if len(self.buf) > limit:
                return None
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        head, self.buf = self.buf.split(marker, 1)
        return head

    def read_exact(self, n):
        while len(self.buf) < n:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_request(self):
        head = self.read_until(b"\r\n\r\n")
        if head is None:
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:] if line]
        length = 0
        chunked = False
        for name, value in headers:
            if name.lower() == "content-length":
                length = int(value)
            if name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        body = b""
        if chunked:
            while True:
                size = int(self.read_until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    self.read_until(b"\r\n")
                    break
                body += self.read_exact(size)
                self.read_exact(2)
        elif length:
            body = self.read_exact(length)
        return method, target, version, headers, body

    def send(self, data):
        self.sock.sendall(data)


def response(status, body=b"", headers=(), reason="OK"):
    head = f"HTTP/1.1 {status} {reason}\r\n"
    names = [h[0].lower() for h in headers]
    if "content-length" not in names and "transfer-encoding" not in names:
        head += f"Content-Length: {len(body)}\r\n"
    for name, value in headers:
        head += f"{name}: {value}\r\n"
    return head.encode("latin-1") + b"\r\n" + body


def wait_for_close(conn):
    try:
        while conn.sock.recv(65536):
            pass
    except OSError:
        pass


def handle_request(conn, connection_id, request):
    """Returns False when the connection must be closed afterwards."""
    method, target, version, headers, body = request
    url = urllib.parse.urlsplit(target)
    path = url.path
    query = dict(urllib.parse.parse_qsl(url.query))
    n = int(query.get("n", "1000"))
    if conn.drop_next:
        return False
    if path == "/hello":
        conn.send(response(200, b"hello"))
    elif path == "/echo":
        payload = {
            "method": method,
            "target": target,
            "headers": headers,
            "body": body.decode("latin-1"),
            "connection": connection_id,
        }
        conn.send(response(200, json.dumps(payload).encode(), [("Content-Type", "application/json")]))
    elif path == "/count":
        conn.send(response(200, str(STATS["connections"]).encode()))
    elif path == "/chunked":
        data = b"7\r\nhello, \r\n8;ext=1\r\nchunked \r\n5\r\nworld\r\n0\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n"
        conn.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + data)
    elif path == "/large-chunked":
        data = pattern(n)
        out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        for i in range(0, len(data), 65536):
            piece = data[i:i + 65536]
            out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        conn.send(out + b"0\r\n\r\n")
    elif path == "/gzip":
        conn.send(response(200, gzip.compress(pattern(n)), [("Content-Encoding", "gzip")]))
    elif path == "/deflate":
        conn.send(response(200, zlib.compress(pattern(n)), [("Content-Encoding", "deflate")]))
    elif path == "/raw-deflate":
        c = zlib.compressobj(wbits=-15)
        conn.send(response(200, c.compress(pattern(n)) + c.flush(), [("Content-Encoding", "deflate")]))
    elif path == "/bad-gzip":
        conn.send(response(200, b"\x1f\x8b\x08\x00garbage-garbage-garbage", [("Content-Encoding", "gzip")]))
    elif path == "/truncated-gzip":
        conn.send(response(200, gzip.compress(pattern(n))[:-12], [("Content-Encoding", "gzip")]))
    elif path == "/br":
        conn.send(response(200, b"xxxx", [("Content-Encoding", "br")]))
    elif path == "/bomb":
        conn.send(response(200, bomb(), [("Content-Encoding", "gzip")]))
    elif path == "/large":
        conn.send(response(200, pattern(n)))
    elif path == "/close-delimited":
        conn.send(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + pattern(n))
        return False
    elif path == "/http10":
        conn.send(b"HTTP/1.0 200 OK\r\n\r\n" + pattern(n))
        return False
    elif path == "/ambiguous":
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        return False
    elif path == "/double-length":
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")
        return False
    elif path == "/bad-chunk":
        conn.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
        return False
    elif path == "/obs-fold":
        conn.send(b"HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 0\r\n\r\n")
        return False
    elif path == "/bad-status":
        conn.send(b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n")
        return False
    elif path == "/stall-head":
        wait_for_close(conn)
        return False
    elif path == "/stall-body":
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
        wait_for_close(conn)
        return False
    elif path == "/drip":
        # One byte every 100 ms: a read timeout must not fire, the deadline must.
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            time.sleep(0.1)
            conn.send(b"x")
        return False
    elif path == "/mid-body-close":
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + pattern(100))
        return False
    elif path in ("/reset-head", "/reset-body"):
        # A TCP reset (RST, not FIN) in the middle of the head or of the body.
        partial = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nX-Half: "
        if path == "/reset-body":
            partial += b"done\r\n\r\n" + pattern(100)
        conn.send(partial)
        time.sleep(0.05)
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return False
    elif path == "/short-length":
        # Content-Length says 5; 100 ms later a whole second response follows on the kept-alive
        # connection, as if to answer the client's next request.
        conn.send(response(200, b"hello"))
        time.sleep(0.1)
        conn.send(response(200, b"smuggled"))
        return True
    elif path == "/chunked-truncated":
        conn.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + pattern(10))
        return False
    elif path == "/long-status":
        conn.send(b"HTTP/1.1 200 " + b"O" * n + b"\r\nContent-Length: 0\r\n\r\n")
    elif path == "/many-headers":
        conn.send(response(200, b"", [(f"X-H{i}", "v") for i in range(n)]))
    elif path == "/big-headers":
        conn.send(response(200, b"", [("X-Big", "v" * n)]))
    elif path == "/status":
        conn.send(response(int(query.get("code", "200")), b"status body", reason="Whatever"))
    elif path == "/redirect":
        code = int(query.get("code", "302"))
        conn.send(response(code, b"", [("Location", query.get("to", "/hello"))], reason="Found"))
    elif path == "/loop":
        conn.send(response(302, b"", [("Location", "/loop")], reason="Found"))
    elif path == "/drop-next":
        conn.send(response(200, b"armed"))
        conn.drop_next = True
    elif path == "/close-soon":
        conn.send(response(200, b"closing soon"))
        time.sleep(0.1)
        return False
    elif path == "/tls-info":
        info = {"tls": False}
        if isinstance(conn.sock, ssl.SSLSocket):
            cert = conn.sock.getpeercert()
            subject = None
            if cert:
                subject = dict(x[0] for x in cert.get("subject", ()))["commonName"]
            info = {
                "tls": True,
                "version": conn.sock.version(),
                "reused": conn.sock.session_reused,
                "client": subject,
            }
        conn.send(response(200, json.dumps(info).encode(), [("Content-Type", "application/json")]))
    else:
        conn.send(response(404, b"not found", reason="Not Found"))
    for name, value in headers:
        if name.lower() == "connection" and value.lower() == "close":
            return False
    return True


def serve(sock, context):
    connection_id = count("connections")
    try:
        if context is not None:
            sock.settimeout(10)
            sock = context.wrap_socket(sock, server_side=True)
            sock.settimeout(None)
        conn = Conn(sock)
        while True:
            request = conn.read_request()
            if request is None or not handle_request(conn, connection_id, request):
                break
    except (OSError, ssl.SSLError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def relay(source, destination):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            destination.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, destination):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def proxy(sock):
    try:
        conn = Conn(sock)
        request = conn.read_request()
        if request is None:
            return
        method, target, version, headers, body = request
        if method == "GET" and target == "/stats":
            conn.send(response(200, json.dumps(STATS).encode()))
            return
        for name, value in headers:
            if name.lower() == "proxy-authorization":
                STATS["proxy_authorization"] = value
        host, port = target.rsplit(":", 1)
        if method != "CONNECT" or host.strip("[]") not in ("127.0.0.1", "localhost", "::1"):
            conn.send(response(403, b"", reason="Forbidden"))
            return
        count("tunnels")
        upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
        upstream.settimeout(None)
        conn.send(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        if conn.buf:
            upstream.sendall(conn.buf)
        thread = threading.Thread(target=relay, args=(upstream, sock), daemon=True)
        thread.start()
        relay(sock, upstream)
        thread.join()
        upstream.close()
    except (OSError, ValueError):
        pass
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--client-ca")
    parser.add_argument("--tls12", action="store_true", help="offer TLS 1.2 only")
    parser.add_argument("--proxy", action="store_true")
    parser.add_argument("--no-accept", action="store_true", help="listen, fill the backlog, never accept")
    args = parser.parse_args()
    context = None
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        if args.tls12:
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        if args.client_ca:
            context.load_verify_locations(args.client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    if args.no_accept:
        # A full accept queue makes the kernel drop further SYNs: connecting clients hang until their timeout.
        listener.listen(0)
        fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(listener.getsockname())
            except BlockingIOError:
                pass
            fillers.append(filler)
        time.sleep(0.2)
        print(listener.getsockname()[1], flush=True)
        threading.Event().wait()
    listener.listen(512)
    print(listener.getsockname()[1], flush=True)
    while True:
        sock, _ = listener.accept()
        target = proxy if args.proxy else serve
        arguments = (sock,) if args.proxy else (sock, context)
        threading.Thread(target=target, args=arguments, daemon=True).start()


if __name__ == "__main__":
    main()
