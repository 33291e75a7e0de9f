"""A running `auralis serve` for integration tests: started with a temporary data
directory, an OSC port and event-ring name of its own, killed in stop()."""
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.request

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")


def remove_event_ring(name):
    """Removes a dead server's shared-memory event ring: a server unlinks its own on a
    clean exit, but one that was killed or crashed leaves it (2 MiB of RAM each)."""
    try:
        os.unlink("/dev/shm/" + name.lstrip("/"))
    except OSError:
        pass


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *args, shm=None):
        self.dir = tempfile.TemporaryDirectory()
        self.shm = shm or "/auralis-test-%d-%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        self.log = open(os.path.join(self.dir.name, "stderr.log"), "w+")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", "0", "--data-dir", os.path.join(self.dir.name, "data"),
             "--osc-port", "0", "--events-shm", self.shm, *args],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        out = ""
        deadline = time.time() + 60
        while time.time() < deadline and "playing:" not in out:
            line = self.proc.stdout.readline()
            if not line:
                break
            out += line
        self.banner = out
        m = re.search(r"listening: http://127\.0\.0\.1:(\d+)/", out)
        if not m:
            self.stop()
            raise AssertionError("server did not start: " + out + self.stderr())
        self.port = int(m.group(1))
        m = re.search(r"osc: udp://[\d.]+:(\d+)", out)
        self.osc_port = int(m.group(1)) if m else None

    def get(self, path, timeout=10):
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path), timeout=timeout) as r:
            return r.read().decode()

    def get_json(self, path):
        return json.loads(self.get(path))

    def metric(self, name):
        """The value of an unlabelled metric from /metrics, or None."""
        for line in self.get("/metrics").splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return None

    def stderr(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        remove_event_ring(self.shm)
        self.proc.stdout.close()
        self.log.close()
        self.dir.cleanup()


def wait_for(predicate, timeout=20.0, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
