"""Shared by the tests that talk to a real `auralis serve` over its Unix socket: a server
started with XDG_RUNTIME_DIR in a temporary directory (so the socket lands there), and a
JSON-lines client."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")


class SocketServer:
    """`auralis serve --port 0` in a fresh temporary directory; `path` is its Unix socket
    (from the `ipc: PATH` line it prints), None when it printed none."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp()
        self.env = {**os.environ, "XDG_RUNTIME_DIR": self.dir}
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", "0", "--data-dir", os.path.join(self.dir, "data"), *args],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.path = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("ipc: "):
                self.path = line[5:].strip()
            if line.startswith("listening:"):
                break

    def stop(self):
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Client:
    """One connection to the socket: send a JSON object, read one JSON line."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(30)
        self.s.connect(path)
        self.buf = b""

    def send(self, obj):
        self.s.sendall((json.dumps(obj) + "\n").encode())

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def request(self, obj):
        self.send(obj)
        return self.line()

    def close(self):
        self.s.close()
