"""OSC against the real server: liblo's oscsend changes the tempo, refused and
malformed input is counted and never applied, oscdump receives the ensemble's
events, and /api/v1/osc describes the namespace."""
import json
import socket
import subprocess
import time
import unittest

from osc_support import Server, free_udp_port, wait_for


def oscsend(port, address, types, *values):
    return subprocess.run(["oscsend", "127.0.0.1", str(port), address, types, *map(str, values)],
                          capture_output=True, text=True, timeout=10)


class Osc(unittest.TestCase):
    def setUp(self):
        self.dump_port = free_udp_port()
        self.dump = subprocess.Popen(["oscdump", "-L", str(self.dump_port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.server = Server("--osc-target", "127.0.0.1:%d" % self.dump_port,
                             "--bpm", "180", "--intensity", "0.9")
        self.assertIsNotNone(self.server.osc_port, self.server.banner)

    def tearDown(self):
        self.server.stop()
        self.dump.kill()
        self.dump.wait()
        self.dump.stdout.close()

    def bpm(self):
        return self.server.get_json("/api/v1/status")["params"]["bpm"]

    def test_oscsend_changes_bpm_and_key(self):
        self.assertEqual(self.bpm(), 180)
        r = oscsend(self.server.osc_port, "/auralis/control/bpm", "f", 123.5)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(wait_for(lambda: self.bpm() == 123.5), True)
        oscsend(self.server.osc_port, "/auralis/control/key", "s", "A dorian")
        self.assertTrue(wait_for(
            lambda: self.server.get_json("/api/v1/status")["params"]["key"] == "A dorian"))
        oscsend(self.server.osc_port, "/auralis/control/agents/bass/level", "d", 0.25)
        self.assertTrue(wait_for(
            lambda: self.server.get_json("/api/v1/status")["params"]["agents"]["bass"]["level"] == 0.25))
        self.assertGreaterEqual(self.server.metric("auralis_osc_applied_total"), 3)

    def test_out_of_range_and_non_finite_are_refused_and_counted(self):
        for value in ("500", "nan", "inf", "39"):
            oscsend(self.server.osc_port, "/auralis/control/bpm", "f", value)
        oscsend(self.server.osc_port, "/auralis/control/bpm", "s", "fast")
        oscsend(self.server.osc_port, "/auralis/control/nonsense", "f", 1)
        self.assertTrue(wait_for(lambda: self.server.metric("auralis_osc_refused_total") >= 6),
                        self.server.get("/metrics"))
        self.assertEqual(self.bpm(), 180)
        self.assertEqual(self.server.metric("auralis_osc_applied_total"), 0)

    def test_malformed_datagrams_are_dropped_and_counted(self):
        before = self.server.metric("auralis_osc_malformed_total")
        self.assertEqual(before, 0)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for payload in (b"hello, not OSC\n", b"/auralis/control/bpm\x00\x00\x00\x00,f",
                            b"#bundle\x00" + b"\x00" * 8 + b"\x00\x00\x01\x00", b"\xff" * 9000):
                s.sendto(payload, ("127.0.0.1", self.server.osc_port))
        self.assertTrue(wait_for(lambda: self.server.metric("auralis_osc_malformed_total") == 4),
                        self.server.get("/metrics"))
        # Still alive and still applying well-formed messages.
        oscsend(self.server.osc_port, "/auralis/control/bpm", "i", 100)
        self.assertTrue(wait_for(lambda: self.bpm() == 100))

    def test_oscdump_receives_note_events(self):
        lines = []
        deadline = time.time() + 30
        while time.time() < deadline and not any("/auralis/event/note" in l for l in lines):
            line = self.dump.stdout.readline()
            if not line:
                break
            lines.append(line)
        # oscdump prints "[timetag] address types args...".
        notes = [l.split()[l.split().index("/auralis/event/note"):] for l in lines
                 if "/auralis/event/note" in l.split()]
        self.assertTrue(notes, "".join(lines[-20:]))
        fields = notes[0]
        self.assertEqual(fields[1], "sifff")
        self.assertIn(fields[2].strip('"'), ("harmony", "bass", "melody", "percussion"))
        self.assertTrue(0 <= int(fields[3]) <= 127)
        self.assertGreater(self.server.metric("auralis_osc_sent_total"), 0)

    def test_namespace_is_served_as_json(self):
        ns = self.server.get_json("/api/v1/osc")
        self.assertTrue(ns["listening"])
        self.assertEqual(ns["port"], self.server.osc_port)
        by_address = {a["address"]: a for a in ns["in"]}
        self.assertEqual(by_address["/auralis/control/bpm"]["range"], [40, 200])
        self.assertEqual(by_address["/auralis/control/key"]["types"], "s")
        for agent in ("harmony", "bass", "melody", "percussion"):
            self.assertIn("/auralis/control/agents/%s/level" % agent, by_address)
        self.assertIn("/auralis/event/note", [a["address"] for a in ns["out"]])
        # Every numeric input address refuses a value just past its range.
        for a in ns["in"]:
            if a.get("kind") == "number":
                oscsend(self.server.osc_port, a["address"], "f", a["range"][1] + 1)
        numeric = sum(1 for a in ns["in"] if a.get("kind") == "number")
        self.assertTrue(wait_for(lambda: self.server.metric("auralis_osc_refused_total") >= numeric))


if __name__ == "__main__":
    unittest.main()
