"""A WebSocket client of `backprop serve`, for bench/compare.py: how many playground states per
second reach a page that plays at full speed. Stdlib only."""
import base64
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import time


def start_server(backprop):
    """`backprop serve --port 0` and the (host, port) it prints."""
    server = subprocess.Popen([backprop, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in server.stdout:
        m = re.search(r"http://([0-9.]+):([0-9]+)", line)
        if m:
            return server, (m.group(1), int(m.group(2)))
    stop(server)
    raise RuntimeError("backprop serve printed no URL")


def stop(process, kill_group=False):
    """Ends `process` (with its process group, when it leads one), waiting at most 10 s."""
    def send(sig):
        try:
            os.killpg(process.pid, sig) if kill_group else process.send_signal(sig)
        except ProcessLookupError:
            pass
    send(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()


def states_per_second(backprop, hidden, seconds=8.0, *, select=None):
    """Starts `backprop serve --port 0`, connects to its WebSocket as the page does (a minimal
    RFC 6455 client: no dependency), configures `hidden`, selects the parameter `select` (e.g.
    "w-2-0-1": each state then carries its chain rule for the next step) and plays; returns the
    states received per second over `seconds` (after the first played one) and their median size
    in bytes."""
    server, url = start_server(backprop)
    try:
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
        if select:
            send({"type": "select", "parameter": select})
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
        stop(server)


def browser_states_per_second(backprop, hidden, seconds=8.0, *, select=None):
    """The same in the page itself: `backprop serve`, headless Chromium driven by chromedriver
    (WebDriver over HTTP, stdlib only), the page's own socket told to configure `hidden`, select
    `select` and play. Counts the states the page has handled (its own message handler first,
    then a listener added here), per second over `seconds`, from the fourth; returns that rate
    and the length of the chain-rule panel's text (0 with nothing selected). Needs `chromium`
    and `chromedriver` on the PATH (Debian's chromium and chromium-driver)."""
    import shutil
    import urllib.request

    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        raise RuntimeError("chromium and chromedriver are not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = driver = None

    def call(method, path, body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request, timeout=60).read())["value"]

    try:
        server, (host, server_port) = start_server(backprop)
        url = f"http://{host}:{server_port}"
        # In a session of its own, so that its Chromium goes with it (stop(…, kill_group=True)).
        driver = subprocess.Popen([chromedriver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        for attempt in range(100):                            # chromedriver starts listening
            try:
                call("GET", "/status")
                break
            except OSError:
                if attempt == 99 or driver.poll() is not None:
                    raise RuntimeError(f"chromedriver did not start (exit status {driver.poll()})")
                time.sleep(0.1)
        options = {"binary": chromium, "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                                                "--disable-dev-shm-usage", "--window-size=1400,1000"]}
        session = call("POST", "/session", {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}})["sessionId"]
        try:
            def script(source):
                return call("POST", f"/session/{session}/execute/sync", {"script": source, "args": []})
            call("POST", f"/session/{session}/url", {"url": url})
            for _ in range(100):                                  # the page's socket is open
                if script("return typeof socket !== 'undefined' && socket.readyState === 1"):
                    break
                time.sleep(0.1)
            messages = [{"type": "configure", "hidden": hidden}] + ([{"type": "select", "parameter": select}] if select else []) \
                + [{"type": "speed", "epochsPerSecond": 0}, {"type": "play"}]
            script("window.handled = []; socket.addEventListener('message', (e) => {"
                   " if (JSON.parse(e.data).type === 'state') window.handled.push(performance.now()); });"
                   + "".join(f"socket.send({json.dumps(json.dumps(m))});" for m in messages))
            time.sleep(seconds + 1)
            times = script("socket.send(JSON.stringify({type: 'pause'})); return window.handled;")[3:]
            chain = script("return document.getElementById('chain').innerText.length")
            if len(times) < 2:
                raise RuntimeError(f"the page handled {len(times)} states")
            return (len(times) - 1) / ((times[-1] - times[0]) / 1000), chain
        finally:
            call("DELETE", f"/session/{session}")
    finally:
        if driver is not None:
            stop(driver, kill_group=True)                  # chromedriver and the Chromium it started
        if server is not None:
            stop(server)
