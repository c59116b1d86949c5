# SPDX-License-Identifier: Apache-2.0
"""Speaks raw bytes to a server on 127.0.0.1, for requests SocketHTTPClient would never send.

    python3 raw_client.py PORT STEP...

Each STEP is `send:<base64>` (send the bytes), `until:<base64>` (read until the bytes appeared) or
`end` (read until the server closes). Everything received is written to stdout; the exit status is
1 when the server closed or timed out (30 s) before an `until` was satisfied.
"""
import base64
import socket
import sys


def main():
    sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
    received = b""
    status = 0
    try:
        for step in sys.argv[2:]:
            kind, _, payload = step.partition(":")
            data = base64.b64decode(payload)
            if kind == "send":
                sock.sendall(data)
            elif kind == "until":
                while data not in received:
                    chunk = sock.recv(65536)
                    if not chunk:
                        status = 1
                        break
                    received += chunk
            elif kind == "end":
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    received += chunk
    except OSError:
        status = 1
    sys.stdout.buffer.write(received)
    sys.stdout.flush()
    sys.exit(status)


if __name__ == "__main__":
    main()
