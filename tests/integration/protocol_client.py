"""A small client for the Auralis wire protocol, shared by the integration tests.

    with AuralisServer(extra_args=["--control-token", "t"]) as srv:   # serve --port 0
        async with websockets.connect(srv.ws_url) as ws:
            status = await read_type(ws, "status")
    frame = parse_frame(binary_message)   # the AUR1 header as a dict + payload

Uses only the standard library and Debian's python3-websockets (10.x).
"""
import asyncio
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")

AUR1_HEADER = struct.Struct("<4sBBHIQQI")  # magic, codec, channels, reserved, rate, seq, pos, len
CODEC_PCM16 = 1
CODEC_OPUS = 2


def parse_frame(data):
    """The AUR1 header of a binary audio message as a dict, plus its payload."""
    if len(data) < AUR1_HEADER.size:
        raise ValueError("binary message shorter than the AUR1 header: %d bytes" % len(data))
    magic, codec, channels, reserved, rate, seq, pos, length = AUR1_HEADER.unpack_from(data)
    if magic != b"AUR1":
        raise ValueError("bad magic %r" % magic)
    payload = data[AUR1_HEADER.size:]
    if len(payload) != length:
        raise ValueError("payload length %d, header says %d" % (len(payload), length))
    return {"codec": codec, "channels": channels, "reserved": reserved, "rate": rate,
            "sequence": seq, "position": pos, "length": length, "payload": payload}


class AuralisServer:
    """`auralis serve --port 0` with a temporary data directory; stopped on exit."""

    def __init__(self, extra_args=(), env=None, startup_timeout=60):
        self.extra_args = list(extra_args)
        self.env = {**os.environ, **(env or {})}
        self.startup_timeout = startup_timeout
        self.proc = None
        self.port = None
        self.data_dir = None
        self.stdout_lines = []
        self.stderr_lines = []

    def start(self):
        self.data_dir = tempfile.mkdtemp(prefix="auralis-test-")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", "0", "--data-dir", self.data_dir, *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        # Drain stderr on a thread so a chatty log never fills the pipe.
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr_lines),
                         daemon=True).start()
        deadline = time.time() + self.startup_timeout
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.stdout_lines.append(line)
            m = re.search(r"listening: http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                break
        if self.port is None:
            self.stop()
            raise RuntimeError("auralis did not start: %s%s" % (
                "".join(self.stdout_lines), "".join(self.stderr_lines)))
        threading.Thread(target=self._drain, args=(self.proc.stdout, self.stdout_lines),
                         daemon=True).start()
        return self

    @staticmethod
    def _drain(stream, sink):
        for line in stream:
            sink.append(line)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Stops the server; returns its exit code (None when it had to be killed)."""
        rc = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                rc = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        elif self.proc is not None:
            rc = self.proc.returncode
        if self.proc is not None:
            for pipe in (self.proc.stdout, self.proc.stderr):
                try:
                    pipe.close()
                except (OSError, ValueError):
                    pass  # the drain thread may be reading it
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None
        return rc

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def ws_url(self):
        return "ws://127.0.0.1:%d/ws" % self.port

    def http(self, method, path, body=None, headers=None, timeout=10):
        """(status, headers dict, body bytes) of one HTTP request; errors included."""
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def get_json(self, path):
        status, _, body = self.http("GET", path)
        return status, json.loads(body)

    def metric(self, name, labels=""):
        """The value of one series in /metrics (None when absent)."""
        _, _, body = self.http("GET", "/metrics")
        pattern = re.compile(r"^%s%s (\S+)$" % (re.escape(name), re.escape(labels)), re.M)
        m = pattern.search(body.decode())
        return float(m.group(1)) if m else None


async def read_type(ws, msg_type, timeout=15, sink=None):
    """The next JSON message of `msg_type` (others skipped; binary frames too).
    Every JSON message read is appended to `sink` when given (contract checks)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError("no %s message within %s s" % (msg_type, timeout))
        raw = await asyncio.wait_for(ws.recv(), timeout=left)
        if isinstance(raw, bytes):
            continue
        msg = json.loads(raw)
        if sink is not None:
            sink.append(msg)
        if msg.get("type") == msg_type:
            return msg


async def read_frames(ws, count, timeout=30, sink=None):
    """The next `count` binary audio frames, parsed (JSON messages go to `sink`)."""
    frames = []
    deadline = asyncio.get_running_loop().time() + timeout
    while len(frames) < count:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError("only %d of %d frames within %s s" % (len(frames), count, timeout))
        raw = await asyncio.wait_for(ws.recv(), timeout=left)
        if isinstance(raw, bytes):
            frames.append(parse_frame(raw))
        elif sink is not None:
            sink.append(json.loads(raw))
    return frames
