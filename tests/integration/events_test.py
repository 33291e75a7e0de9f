"""The shared-memory event ring against the real server: a second process (this
test) maps the segment, follows it under CPU load and checks that sequence
numbers are continuous, or that every gap was reported as a lap; and
`auralis events --json` prints the same events."""
import json
import mmap
import os
import struct
import subprocess
import threading
import time
import unittest

from osc_support import BIN, Server

HEADER = struct.Struct("<8sIIQdqqQq")  # magic, version, slot bytes, capacity, rate, pid, started, next, playhead


class Ring:
    """A reader written from the format in src/io/shm_event_ring.hpp."""

    def __init__(self, name):
        fd = os.open("/dev/shm/" + name.lstrip("/"), os.O_RDONLY)
        try:
            self.map = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
        finally:
            os.close(fd)
        magic, self.version, slot_bytes, self.capacity, self.rate, self.pid, _, head, _ = \
            HEADER.unpack_from(self.map, 0)
        assert magic == b"AURLEVT1", magic
        assert slot_bytes == 32
        self.next = head
        self.missed = 0
        self.laps = 0

    def head(self):
        return struct.unpack_from("<Q", self.map, 48)[0]

    def poll(self):
        """('event', (seq, sample, type, source, pitch, velocity)), ('empty',) or ('lapped', n)."""
        at = 128 + (self.next & (self.capacity - 1)) * 32
        want = 2 * self.next + 2
        (before,) = struct.unpack_from("<Q", self.map, at)
        if before < want:
            return ("empty",)
        if before == want:
            sample, w2 = struct.unpack_from("<qQ", self.map, at + 8)
            (after,) = struct.unpack_from("<Q", self.map, at)
            if after == want:
                seq = self.next
                self.next += 1
                return ("event", (seq, sample, w2 & 0xFF, (w2 >> 8) & 0xFF, (w2 >> 16) & 0xFF,
                                  (w2 >> 24) & 0xFF))
        head = self.head()
        resume = min(max(head - self.capacity, 0) + self.capacity // 4, head)
        resume = max(resume, self.next + 1)
        skipped = resume - self.next
        self.missed += skipped
        self.laps += 1
        self.next = resume
        return ("lapped", skipped)


def burn(stop):
    while not stop.is_set():
        sum(i * i for i in range(10000))


class EventRing(unittest.TestCase):
    def setUp(self):
        self.server = Server("--bpm", "200", "--intensity", "1")

    def tearDown(self):
        self.server.stop()

    def test_second_process_reads_continuous_sequences_under_load(self):
        self.assertIn(self.server.shm, self.server.banner)
        ring = Ring(self.server.shm)
        self.assertEqual(ring.version, 1)
        self.assertEqual(ring.pid, self.server.proc.pid)
        start = ring.next
        stop = threading.Event()
        burner = threading.Thread(target=burn, args=(stop,))
        burner.start()
        events = []
        try:
            deadline = time.time() + 8
            while time.time() < deadline:
                r = ring.poll()
                if r[0] == "event":
                    events.append(r[1])
                elif r[0] == "empty":
                    time.sleep(0.001)
        finally:
            stop.set()
            burner.join()
        self.assertGreater(len(events), 10, "the ensemble should have played within 8 s")
        expected = start
        for seq, sample, kind, source, pitch, velocity in events:
            # A gap is allowed only where a lap was reported (ring.missed counts it).
            self.assertGreaterEqual(seq, expected)
            expected = seq + 1
            self.assertIn(kind, range(1, 8))
            if kind == 1:  # note
                self.assertLessEqual(pitch, 127)
                self.assertLessEqual(velocity, 127)
                self.assertGreaterEqual(sample, 0)
        self.assertEqual(len(events) + ring.missed, ring.next - start)
        if ring.laps == 0:
            self.assertEqual([e[0] for e in events], list(range(start, start + len(events))))
        self.assertTrue(any(e[2] == 1 for e in events), "no notes among %r" % events[:5])

    def test_auralis_events_prints_json_lines(self):
        r = subprocess.run([BIN, "events", "--json", "--shm", self.server.shm, "--from-start",
                            "--count", "20", "--seconds", "60"],
                           capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
        events = [l for l in lines if l["type"] != "lapped"]
        self.assertEqual(len(events), 20)
        seqs = [e["seq"] for e in events]
        self.assertEqual(seqs, sorted(seqs))
        notes = [e for e in events if e["type"] == "note"]
        self.assertTrue(notes)
        for n in notes:
            self.assertIn(n["source"], ("harmony", "bass", "melody", "percussion", "response"))
            self.assertAlmostEqual(n["time"], n["sample"] / 48000.0, places=6)

    def test_events_without_a_server_is_an_error(self):
        r = subprocess.run([BIN, "events", "--shm", "/auralis-test-absent-%d" % os.getpid()],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no event ring", r.stderr)


if __name__ == "__main__":
    unittest.main()
