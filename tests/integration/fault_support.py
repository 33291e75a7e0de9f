"""Helpers for the fault, storm and soak tests: a server the test owns (its data
directory survives the server so files can be checked after a SIGTERM), its
metrics parsed, and what /proc says about it (RSS, open fds, threads).

Each server gets free ports and names of its own (OSC, Art-Net, ArtPoll off,
the shared-memory ring, the Unix socket in its data directory) so tests can run
in parallel."""
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import websockets

from osc_support import remove_event_ring

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")


def sanitized_build():
    """True when the binary under test was built with a sanitizer (ASan is several
    times slower, so real-time figures such as deadline misses are not asserted)."""
    binary_dir = os.environ.get("TEST_AURALIS_BINARY_DIR", "")
    try:
        with open(os.path.join(binary_dir, "CMakeCache.txt")) as f:
            m = re.search(r"^AURALIS_SANITIZE:\w+=(.*)$", f.read(), re.M)
    except OSError:
        return False
    return bool(m and m.group(1).strip())


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_metrics(text):
    """{'name{labels}': value} of a Prometheus text exposition."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        try:
            out[key] = float(value)
        except ValueError:
            pass
    return out


def find_key(obj, key):
    """The first value named `key` anywhere in a JSON document."""
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        obj = list(obj.values())
    if isinstance(obj, list):
        for v in obj:
            found = find_key(v, key)
            if found is not None:
                return found
    return None


class Server:
    """`auralis serve --port 0 --backend clock` in `data_dir`, stderr to a file."""

    def __init__(self, data_dir, *args, env=None, preexec_fn=None, startup_timeout=90):
        self.data_dir = data_dir
        os.makedirs(data_dir, exist_ok=True)
        self.log_path = os.path.join(os.path.dirname(data_dir.rstrip("/")),
                                     "server-%d.log" % time.monotonic_ns())
        self.log = open(self.log_path, "w")
        self.artnet_port = free_udp_port()
        environment = {**os.environ,
                       "AURALIS_LIGHTING_ARTPOLL_BIND": "",
                       "AURALIS_LIGHTING_SACN_TARGETS": "",
                       "AURALIS_LIGHTING_ARTNET_TARGETS": "127.0.0.1:%d" % self.artnet_port,
                       "AURALIS_IPC_SOCKET": os.path.join(data_dir, "auralis.sock"),
                       "AURALIS_EVENTS_SHM_NAME": "/auralis-faults-%d-%d" % (
                           os.getpid(), time.monotonic_ns() % 1000000000),
                       **(env or {})}
        self.shm = environment["AURALIS_EVENTS_SHM_NAME"]
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", "0", "--osc-port", "0", "--data-dir", data_dir,
             "--backend", "clock", *args],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=environment,
            preexec_fn=preexec_fn)
        self.port = None
        self._drain = None
        deadline = time.time() + startup_timeout
        out = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            out.append(line)
            m = re.search(r"listening: http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
            if line.startswith("playing:"):
                break
        if self.port is None:
            self.kill()
            raise AssertionError("server did not start: %s %s" % ("".join(out), self.stderr()))
        # Keep stdout drained so the server never blocks on a full pipe.
        self._drain = threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True)
        self._drain.start()
        self.rate = 48000.0

    # -- HTTP --------------------------------------------------------------
    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def request(self, method, path, body=None, headers=None, timeout=30):
        """(status, body bytes); HTTP errors are returned, not raised."""
        data = None if body is None else (body if isinstance(body, bytes)
                                          else json.dumps(body).encode())
        req = urllib.request.Request(self.url(path), data=data, method=method,
                                     headers=headers or {})
        if data is not None and not (headers or {}).get("Content-Type"):
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def json(self, method, path, body=None, expect=None):
        status, data = self.request(method, path, body)
        doc = json.loads(data) if data else None
        if expect is not None and status != expect:
            raise AssertionError("%s %s: %d %s" % (method, path, status, data[:500]))
        return status, doc

    def metrics(self):
        _, body = self.request("GET", "/metrics")
        return parse_metrics(body.decode())

    def position(self):
        """The engine's sample position, from /api/v1/status."""
        _, status = self.json("GET", "/api/v1/status", expect=200)
        return find_key(status, "position")

    # -- the process -------------------------------------------------------
    def rss_bytes(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
        return int(m.group(1)) * 1024

    def fd_count(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def thread_count(self):
        return len(os.listdir("/proc/%d/task" % self.proc.pid))

    def stderr(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Sends `sig` and returns the exit code (None when it had to be killed)."""
        if self.proc.poll() is not None:
            remove_event_ring(self.shm)
            return self.proc.returncode
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
            remove_event_ring(self.shm)
            return code
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        remove_event_ring(self.shm)
        if self._drain is not None:
            self._drain.join(timeout=5)
        self.proc.stdout.close()
        self.log.close()


def wav_layout(data):
    """(channels, bytes per frame, data offset, data size) of a RIFF/WAVE file whose
    header must describe the file exactly; raises AssertionError when it does not."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AssertionError("not a RIFF/WAVE file")
    if int.from_bytes(data[4:8], "little") != len(data) - 8:
        raise AssertionError("RIFF size %d, file holds %d" % (
            int.from_bytes(data[4:8], "little"), len(data) - 8))
    pos, chunks = 12, {}
    while pos + 8 <= len(data):
        name, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        chunks[name] = (pos + 8, size)
        pos += 8 + size + (size & 1)
    if b"fmt " not in chunks or b"data" not in chunks:
        raise AssertionError("missing fmt or data chunk: %s" % list(chunks))
    fmt_off, _ = chunks[b"fmt "]
    channels = int.from_bytes(data[fmt_off + 2:fmt_off + 4], "little")
    block_align = int.from_bytes(data[fmt_off + 12:fmt_off + 14], "little")
    off, size = chunks[b"data"]
    if off + size != len(data):
        raise AssertionError("data chunk ends at %d, file at %d" % (off + size, len(data)))
    if block_align == 0 or size % block_align:
        raise AssertionError("data size %d is not whole frames of %d" % (size, block_align))
    return channels, block_align, off, size


class Observer:
    """What reaches the outside while a test runs, with arrival times: one WebSocket
    client (audio and telemetry kinds; reconnects when the server closes it) and an
    Art-Net receiver on the server's lighting port. Runs on threads of its own."""

    TELEMETRY = ["meters", "spectrum", "analysis", "ai_classifier_event", "dmx"]

    def __init__(self, port, artnet_port=None, audio="pcm16"):
        self.port = port
        self.audio = audio
        self.lock = threading.Lock()
        self.events = []  # (monotonic time, kind, detail)
        self.closes = 0
        self._stop = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._threads = [threading.Thread(target=self._run_ws, daemon=True)]
        self._udp = None
        if artnet_port is not None:
            self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._udp.bind(("127.0.0.1", artnet_port))
            self._udp.settimeout(0.2)
            self._threads.append(threading.Thread(target=self._run_udp, daemon=True))
        for t in self._threads:
            t.start()

    def _add(self, kind, detail=None):
        with self.lock:
            self.events.append((time.monotonic(), kind, detail))

    def _run_udp(self):
        while not self._stop.is_set():
            try:
                packet = self._udp.recv(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if packet.startswith(b"Art-Net\0"):
                self._add("artnet")

    def _run_ws(self):
        self._loop.run_until_complete(self._ws_main())

    async def _ws_main(self):
        while not self._stop.is_set():
            try:
                async with websockets.connect("ws://127.0.0.1:%d/ws" % self.port,
                                              max_size=None, open_timeout=30) as ws:
                    await ws.send(json.dumps({"type": "subscribe", "audio": self.audio,
                                              "telemetry": self.TELEMETRY}))
                    while not self._stop.is_set():
                        try:
                            raw = await asyncio.wait_for(ws.recv(), timeout=0.2)
                        except asyncio.TimeoutError:
                            continue
                        if isinstance(raw, bytes):
                            self._add("audio", int.from_bytes(raw[20:28], "little"))  # AUR1 position
                        else:
                            self._add(json.loads(raw).get("type", "?"))
            except Exception:  # closed by the server (a skipped listener): count, reconnect
                self.closes += 1
                await asyncio.sleep(0.2)

    def count(self, kind, t0, t1):
        with self.lock:
            return sum(1 for t, k, _ in self.events if k == kind and t0 <= t < t1)

    def details(self, kind):
        with self.lock:
            return [d for _, k, d in self.events if k == kind]

    def wait_for(self, kind, count=1, timeout=30):
        """True once `count` messages of `kind` arrived after this call."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.count(kind, start, float("inf")) >= count:
                return True
            time.sleep(0.05)
        return False

    def close(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=10)
        if self._udp is not None:
            self._udp.close()
