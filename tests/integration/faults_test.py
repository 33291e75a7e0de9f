"""Faults at the edges of the real server: a full disk while uploading, a damaged
database at start, SIGTERM in the middle of an upload and of a recording. Each
checks what the contract promises: a clean error or exit code, nothing
half-registered, no temporary file left, files whose headers match their data."""
import os
import resource
import select
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest

import fault_support as fs


def send_upload(port, total, stop_when_answered=True, pieces=None):
    """Starts a raw POST /upload of `total` random bytes and sends `pieces` 64 KiB
    pieces of it (all when None), stopping early once the server answers. Returns the
    socket (still open) and the bytes sent."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(("POST /upload?filename=big.raw HTTP/1.1\r\nHost: x\r\n"
               "Content-Type: application/octet-stream\r\n"
               "Content-Length: %d\r\n\r\n" % total).encode())
    piece = os.urandom(64 * 1024)
    sent = 0
    try:
        while sent < total and (pieces is None or sent < pieces * len(piece)):
            if stop_when_answered and select.select([s], [], [], 0)[0]:
                break
            s.sendall(piece[:min(len(piece), total - sent)])
            sent += min(len(piece), total - sent)
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    return s, sent


def read_status(s, timeout=30):
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    return int(data[9:12]) if data.startswith(b"HTTP/1.1 ") else None, data


def registry_rows(data_dir):
    """(source id, file path) rows of the media registry, read after the server exited."""
    with sqlite3.connect(os.path.join(data_dir, "auralis.db")) as db:
        return db.execute("SELECT id, file_path FROM sources").fetchall()


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data = os.path.join(self.tmp.name, "data")
        self.server = None
        self.mounted = False

    def tearDown(self):
        if self.server is not None:
            self.server.kill()
        if self.mounted:
            subprocess.run(["umount", "-l", self.data], capture_output=True)
        self.tmp.cleanup()

    def tmp_files(self):
        d = os.path.join(self.data, "uploads", "tmp")
        return os.listdir(d) if os.path.isdir(d) else []

    def wait_no_tmp_files(self, timeout=20):
        deadline = time.time() + timeout
        while self.tmp_files() and time.time() < deadline:
            time.sleep(0.1)
        return self.tmp_files()


class DiskFullWhileUploading(Case):
    def check_507_and_nothing_kept(self):
        s, sent = send_upload(self.server.port, 8 * 1024 * 1024)
        try:
            status, head = read_status(s)
        finally:
            s.close()
        self.assertEqual(status, 507, head[:300])
        self.assertLess(sent, 8 * 1024 * 1024, "the server read the whole body of a failed upload")
        self.assertEqual(self.wait_no_tmp_files(), [])
        _, doc = self.server.json("GET", "/api/v1/sources", expect=200)
        self.assertEqual(doc["sources"], [])
        # The music plays on.
        before = self.server.position()
        time.sleep(0.5)
        self.assertGreater(self.server.position(), before)

    def test_upload_onto_a_full_file_system_is_507(self):
        """A real ENOSPC: the data directory on a 3 MiB tmpfs."""
        os.makedirs(self.data)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", self.data],
                           capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs here: " + r.stderr.strip())
        self.mounted = True
        self.server = fs.Server(self.data)
        self.check_507_and_nothing_kept()

    def test_upload_past_the_file_size_limit_is_507(self):
        """RLIMIT_FSIZE stands in for a full disk where mounting is not allowed (EFBIG)."""
        limit = 2 * 1024 * 1024

        def limit_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        self.server = fs.Server(self.data, preexec_fn=limit_files)
        self.check_507_and_nothing_kept()


class DatabaseDamagedAtStart(Case):
    """Garbage for a whole file and a locked database are in presets_test.py; here a
    database that opens but whose pages are damaged."""

    def test_damaged_pages_stop_the_start_with_exit_1_naming_the_file(self):
        server = fs.Server(self.data)
        server.json("POST", "/api/v1/presets", {"name": "p"}, expect=201)
        self.assertEqual(server.stop(), 0)
        server.kill()
        path = os.path.join(self.data, "auralis.db")
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            page = db.execute("PRAGMA page_size").fetchone()[0]
            pages = db.execute("PRAGMA page_count").fetchone()[0]
        self.assertGreater(pages, 1)
        with open(path, "r+b") as f:  # every page but the header page
            f.seek(page)
            f.write(b"\xa5\x5a" * (page * (pages - 1) // 2))
        r = subprocess.run([fs.BIN, "serve", "--port", "0", "--osc-port", "0", "--data-dir",
                            self.data, "--backend", "clock"],
                           capture_output=True, text=True, timeout=90,
                           env={**os.environ, "AURALIS_LIGHTING_ARTPOLL_BIND": "",
                                "AURALIS_IPC_SOCKET": "off", "AURALIS_EVENTS_ENABLED": "false"})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(path, r.stderr)
        self.assertIn("corrupt", r.stderr)


class SigtermMidway(Case):
    def test_sigterm_during_an_upload_body_exits_0_and_keeps_nothing(self):
        self.server = fs.Server(self.data)
        s, _ = send_upload(self.server.port, 6 * 1024 * 1024, stop_when_answered=False, pieces=16)
        try:
            deadline = time.time() + 20
            while not self.tmp_files() and time.time() < deadline:
                time.sleep(0.05)
            self.assertTrue(self.tmp_files(), "the upload was not being spooled")
            self.assertEqual(self.server.stop(signal.SIGTERM), 0, self.server.stderr()[-2000:])
        finally:
            s.close()
        self.assertEqual(self.tmp_files(), [])
        self.assertEqual(registry_rows(self.data), [])

    def test_sigterm_right_after_an_upload_registers_it_whole_or_not_at_all(self):
        self.server = fs.Server(self.data)
        media = os.path.join(self.tmp.name, "tone.wav")
        subprocess.run(["sox", "-n", "-r", "48000", "-c", "2", "-b", "16", media,
                        "synth", "20", "sine", "330", "gain", "-12"],
                       check=True, capture_output=True, timeout=120)
        with open(media, "rb") as f:
            body = f.read()
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        try:
            s.sendall(("POST /upload?filename=tone.wav HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: audio/wav\r\nContent-Length: %d\r\n\r\n"
                       % len(body)).encode() + body)
            time.sleep(0.05)  # the worker is decoding it now
            self.assertEqual(self.server.stop(signal.SIGTERM), 0, self.server.stderr()[-2000:])
            status, _ = read_status(s, timeout=5)
        finally:
            s.close()
        self.assertEqual(self.tmp_files(), [])
        rows = registry_rows(self.data)
        kept = [n for n in os.listdir(os.path.join(self.data, "uploads")) if n != "tmp"]
        # Registered: the row's file is there and complete. Absent: no file either.
        self.assertEqual(sorted(os.path.basename(p) for _, p in rows), sorted(kept))
        for _, p in rows:
            with open(os.path.join(self.data, p), "rb") as f:
                self.assertEqual(f.read(), body)
        if status is not None:  # an answer that came says which
            self.assertIn(status, (200, 201, 503))
            self.assertEqual(len(rows), 1 if status in (200, 201) else 0)

    def test_sigterm_during_recording_exits_0_with_valid_files(self):
        self.server = fs.Server(self.data)
        _, r = self.server.json("POST", "/api/v1/recordings",
                                {"format": "wav", "bundle": True}, expect=201)
        time.sleep(2.0)
        self.assertEqual(self.server.stop(signal.SIGTERM), 0, self.server.stderr()[-2000:])
        with sqlite3.connect(os.path.join(self.data, "auralis.db")) as db:
            status, audio, frames = db.execute(
                "SELECT status, audio_path, frames FROM recordings WHERE id = ?",
                (r["id"],)).fetchone()
        self.assertIn(status, ("stopped", "failed"))
        with open(os.path.join(self.data, audio), "rb") as f:
            _, frame_bytes, _, size = fs.wav_layout(f.read())
        self.assertGreater(size, 0)
        if status == "stopped":
            self.assertEqual(size // frame_bytes, frames)
            self.assertGreaterEqual(frames, 48000)  # ~2 s were recorded


if __name__ == "__main__":
    unittest.main()
