"""A connect/disconnect storm against the real server: 1,000 cycles from several
client threads, mixing clean WebSocket sessions, plain HTTP requests, sockets reset
in the middle of the upgrade handshake, WebSockets dropped without a close frame,
and connections closed before a byte. Afterwards the server is alive, its open
file descriptors and threads are back to where they were, and its RSS grew by no
more than a bound."""
import base64
import os
import socket
import struct
import tempfile
import threading
import time
import unittest

import fault_support as fs

CYCLES = int(os.environ.get("TEST_STORM_CYCLES", "1000"))
THREADS = 8
RSS_BOUND = 32 * 1024 * 1024  # allocator caches may keep some; a leak of 1,000 sessions would not fit


def upgrade(key):
    return ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode()


def masked_frame(opcode, payload):
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload)) + mask + body


def read_head(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def reset(s):
    """Closes with an RST (SO_LINGER 0): the abrupt end a crashed client gives."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def one_cycle(port, i):
    """One connection of kind i % 5; returns what happened, for the tally."""
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    kind = i % 5
    key = base64.b64encode(os.urandom(16)).decode()
    try:
        if kind == 0:  # a clean WebSocket session: subscribe, then a close frame
            s.sendall(upgrade(key))
            head = read_head(s)
            if not head.startswith(b"HTTP/1.1 101"):
                return "refused" if head.startswith(b"HTTP/1.1 503") else "bad:" + repr(head[:40])
            s.sendall(masked_frame(1, b'{"type":"subscribe","audio":"opus","telemetry":["meters"]}'))
            s.recv(4096)
            s.sendall(masked_frame(8, struct.pack("!H", 1000)))
            s.close()
            return "ws"
        if kind == 1:  # plain HTTP
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            head = read_head(s)
            s.close()
            return "http" if head.startswith(b"HTTP/1.1 200") else "bad:" + repr(head[:40])
        if kind == 2:  # half an upgrade request, then a reset
            s.sendall(upgrade(key)[:40])
            reset(s)
            return "half"
        if kind == 3:  # upgraded, then dropped without a close frame
            s.sendall(upgrade(key))
            read_head(s)
            reset(s)
            return "dropped"
        s.close()  # connected and gone
        return "empty"
    except OSError as e:  # a reset from a server under load is allowed, a crash is not
        s.close()
        return "oserror:" + type(e).__name__


class ConnectionStorm(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.server = fs.Server(os.path.join(self.tmp.name, "data"))

    def tearDown(self):
        self.server.kill()
        self.tmp.cleanup()

    def settle(self, baseline_fds, baseline_threads, timeout=30):
        """Waits for fds and threads to come back to the baseline; returns the last figures."""
        deadline = time.time() + timeout
        while True:
            fds, threads = self.server.fd_count(), self.server.thread_count()
            if (fds <= baseline_fds and threads <= baseline_threads) or time.time() > deadline:
                return fds, threads
            time.sleep(0.25)

    def test_thousand_connect_disconnect_cycles(self):
        s = self.server
        # Warm up (first sessions allocate pools and caches), then take the baseline.
        for i in range(50):
            one_cycle(s.port, i)
        time.sleep(1.0)
        fds0, threads0, rss0 = s.fd_count(), s.thread_count(), s.rss_bytes()
        misses0 = s.metrics().get("auralis_audio_deadline_misses_total", 0.0)

        tally, lock = {}, threading.Lock()

        def worker(w):
            for i in range(w, CYCLES, THREADS):
                outcome = one_cycle(s.port, i)
                with lock:
                    tally[outcome] = tally.get(outcome, 0) + 1

        started = time.monotonic()
        workers = [threading.Thread(target=worker, args=(w,)) for w in range(THREADS)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=300)
        elapsed = time.monotonic() - started
        self.assertEqual(sum(tally.values()), CYCLES, tally)
        self.assertIsNone(s.proc.poll(), "the server died: " + s.stderr()[-2000:])
        bad = {k: v for k, v in tally.items() if k.startswith("bad")}
        self.assertEqual(bad, {}, tally)
        self.assertGreater(tally.get("ws", 0) + tally.get("http", 0), CYCLES // 4, tally)

        fds, threads = self.settle(fds0, threads0)
        self.assertLessEqual(fds, fds0, "file descriptors leaked (%s)" % tally)
        self.assertLessEqual(threads, threads0, "threads leaked")
        rss = s.rss_bytes()
        if not fs.sanitized_build():  # ASan holds freed memory in quarantine
            self.assertLess(rss - rss0, RSS_BOUND, "RSS grew %d KiB" % ((rss - rss0) // 1024))
        _, health = s.json("GET", "/health", expect=200)
        self.assertEqual(health["status"], "ok")
        m = s.metrics()
        self.assertEqual(m.get("auralis_ws_clients"), 0.0)
        if not fs.sanitized_build():
            self.assertEqual(m.get("auralis_audio_deadline_misses_total", 0.0), misses0)
        print("storm: %d cycles in %.1f s %s; fds %d→%d, threads %d→%d, RSS %+d KiB"
              % (CYCLES, elapsed, tally, fds0, fds, threads0, threads, (rss - rss0) // 1024))


if __name__ == "__main__":
    unittest.main()
