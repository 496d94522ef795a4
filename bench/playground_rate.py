"""A WebSocket client of `backprop serve`, for bench/compare.py: how many playground states per
second reach a page that plays at full speed. Stdlib only."""
import base64
import json
import os
import re
import socket
import statistics
import subprocess
import time


def states_per_second(backprop, hidden, seconds=8.0):
    """Starts `backprop serve --port 0`, connects to its WebSocket as the page does (a minimal
    RFC 6455 client: no dependency), configures `hidden` and plays; returns the states received
    per second over `seconds` (after the first played one) and their median size in bytes."""
    server = subprocess.Popen([backprop, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = None
        for line in server.stdout:
            m = re.search(r"http://([0-9.]+):([0-9]+)", line)
            if m:
                url = (m.group(1), int(m.group(2)))
                break
        if url is None:
            raise RuntimeError("backprop serve printed no URL")
        sock = socket.create_connection(url, timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET /ws HTTP/1.1\r\nHost: {url[0]}:{url[1]}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            buffer += sock.recv(65536)
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("the WebSocket upgrade was refused")

        def send(obj):
            data, mask = json.dumps(obj).encode(), os.urandom(4)
            n = len(data)
            header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big") if n < 65536
                                       else bytes([0x80 | 127]) + n.to_bytes(8, "big"))
            sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

        def read(n):
            nonlocal buffer
            while len(buffer) < n:
                chunk = sock.recv(1 << 20)
                if not chunk:
                    raise RuntimeError("the server closed the connection")
                buffer += chunk
            out, buffer = buffer[:n], buffer[n:]
            return out

        def message():
            parts = []
            while True:
                b0, b1 = read(2)
                n = b1 & 0x7F
                if n == 126:
                    n = int.from_bytes(read(2), "big")
                elif n == 127:
                    n = int.from_bytes(read(8), "big")
                payload = read(n)
                if b0 & 0x0F in (0x1, 0x0):
                    parts.append(payload)
                    if b0 & 0x80:
                        return b"".join(parts)

        send({"type": "configure", "hidden": hidden})
        send({"type": "speed", "epochsPerSecond": 0})
        send({"type": "play"})
        times, sizes = [], []
        while True:
            text = message()
            if json.loads(text).get("type") != "state":
                continue
            now = time.monotonic()
            times.append(now)
            sizes.append(len(text))
            if len(times) > 3 and now - times[2] >= seconds:      # from the third: the page has played a while
                break
        send({"type": "pause"})
        sock.close()
        played = times[2:]
        return (len(played) - 1) / (played[-1] - played[0]), statistics.median(sizes[2:])
    finally:
        server.terminate()
        server.wait()
