"""Lighting: the real server sends Art-Net and sACN, checked by a real peer —
tshark's dissectors on loopback — and answers ArtPoll.

Each test starts `auralis serve` with its outputs on free loopback ports, so
tests running in parallel never see each other's packets.
"""
import os
import shutil
import socket
import statistics
import subprocess
import time
import unittest

import protocol_client as pc

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def Server(*args, env=None):
    """A started `auralis serve` (tests/integration/protocol_client.py)."""
    return pc.AuralisServer(list(args), env=env).start()


def tshark(port, protocol, seconds, fields):
    """Captures `seconds` of UDP traffic to `port` on loopback, decoded as
    `protocol`, and returns one list of field values per packet."""
    cmd = ["tshark", "-i", "lo", "-f", f"udp dst port {port}", "-a", f"duration:{seconds}",
           "-T", "fields", "-E", "separator=\t"]
    if protocol == "acn":
        # E1.31 is found by tshark's ACN heuristic, with its DMX layer switched on.
        cmd += ["--enable-heuristic", "acn", "-o", "acn.dmx_enable:TRUE"]
    else:
        cmd += ["-d", f"udp.port=={port},{protocol}"]
    for f in fields:
        cmd += ["-e", f]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def rows(proc):
    out, err = proc.communicate(timeout=180)
    if proc.returncode != 0:
        raise AssertionError("tshark failed: " + err[-2000:])
    return [line.split("\t") for line in out.splitlines() if line.strip()]


@unittest.skipUnless(shutil.which("tshark"), "tshark is installed by scripts/deps.sh")
class ArtNetAndSacn(unittest.TestCase):
    def test_artnet_and_sacn_dissect_cleanly_for_every_universe(self):
        artnet_port, sacn_port = free_udp_port(), free_udp_port()
        art = tshark(artnet_port, "artnet", 6,
                     ["frame.time_epoch", "artnet.header.opcode", "artnet.header.protver",
                      "artnet.output.sequence", "artnet.output.universe", "artnet.output.length"])
        acn = tshark(sacn_port, "acn", 6,
                     ["acn.dmx.universe", "acn.dmx.seq_number", "acn.dmx.priority",
                      "acn.dmx.source_name", "acn.dmx.count"])
        time.sleep(1.5)  # tshark needs a moment before it captures
        server = Server("--artnet-target", f"127.0.0.1:{artnet_port}",
                        "--sacn-target", f"127.0.0.1:{sacn_port}", "--universes", "4",
                        env={"AURALIS_LIGHTING_ARTPOLL_BIND": ""})
        try:
            art_rows, acn_rows = rows(art), rows(acn)
        finally:
            self.assertEqual(server.stop(), 0)
        dmx = [r for r in art_rows if r[1] == "0x5000"]
        sync = [r for r in art_rows if r[1] == "0x5200"]
        self.assertGreater(len(dmx), 4 * 40, "expected several seconds of ArtDmx for 4 universes")
        self.assertEqual({r[4] for r in dmx}, {"0", "1", "2", "3"})
        self.assertTrue(all(r[2] == "14" for r in dmx), "ProtVer 14")
        self.assertTrue(all(int(r[5]) % 2 == 0 and 2 <= int(r[5]) <= 512 for r in dmx))
        # One ArtSync per multi-universe frame.
        self.assertGreater(len(sync), len(dmx) / 4 * 0.9)
        for universe in "0123":
            seq = [int(r[3]) for r in dmx if r[4] == universe]
            steps = [(b - a) % 255 for a, b in zip(seq, seq[1:])]
            self.assertTrue(all(s == 1 for s in steps), f"universe {universe} sequence {seq[:20]}")
        self.assertGreater(len(acn_rows), 4 * 40)
        self.assertEqual({r[0] for r in acn_rows}, {"1", "2", "3", "4"})
        self.assertTrue(all(r[2] == "100" and r[3].startswith("Auralis") and r[4] == "513" for r in acn_rows))

    def test_artpoll_gets_an_artpollreply(self):
        poll_port = free_udp_port()
        server = Server("--artnet-target", f"127.0.0.1:{free_udp_port()}", "--sacn-target", "",
                        env={"AURALIS_LIGHTING_ARTPOLL_BIND": f"127.0.0.1:{poll_port}"})
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(2.0)
                s.sendto(b"Art-Net\x00\x00\x20\x00\x0e\x00\x00", ("127.0.0.1", poll_port))
                reply, _ = s.recvfrom(1024)
            self.assertEqual(len(reply), 239)
            self.assertEqual(reply[:8], b"Art-Net\x00")
            self.assertEqual(reply[8:10], b"\x00\x21")
            self.assertIn(b"Auralis", reply[26:44])
        finally:
            self.assertEqual(server.stop(), 0)

    def test_bad_target_is_exit_2_naming_the_key(self):
        r = subprocess.run([BIN, "serve", "--port", "0", "--artnet-target", "127.0.0.1:99999"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn("lighting.artnet_targets", r.stderr)
        self.assertIn("HOST[:PORT]", r.stderr)

    def test_sixteen_universes_for_a_minute_hold_the_frame_interval(self):
        """The issue's figure: over 60 s with 16 universes, the frame interval
        p99 stays within ±2 ms of 25 ms (measured on the wire by tshark)."""
        port = free_udp_port()
        seconds = int(os.environ.get("TEST_LIGHTING_SOAK_SECONDS", "60"))
        cap = tshark(port, "artnet", seconds + 5,
                     ["frame.time_epoch", "artnet.header.opcode", "artnet.output.universe"])
        time.sleep(1.5)
        server = Server("--artnet-target", f"127.0.0.1:{port}", "--sacn-target", "", "--universes", "16",
                        env={"AURALIS_LIGHTING_ARTPOLL_BIND": ""})
        try:
            captured = rows(cap)
        finally:
            self.assertEqual(server.stop(), 0)
        times = [float(r[0]) for r in captured if r[1] == "0x5000" and r[2] == "0"]
        self.assertGreater(len(times), seconds * 40 * 0.8)
        intervals = sorted((b - a) * 1000 for a, b in zip(times, times[1:]))
        p1 = intervals[int(len(intervals) * 0.01)]
        p99 = intervals[int(len(intervals) * 0.99) - 1]
        median = statistics.median(intervals)
        print(f"frame interval over {len(intervals)} frames: median {median:.2f} ms, "
              f"p1 {p1:.2f} ms, p99 {p99:.2f} ms")
        self.assertAlmostEqual(median, 25.0, delta=0.5)
        self.assertLessEqual(p99, 27.0)
        self.assertGreaterEqual(p1, 23.0)
        universes = {r[2] for r in captured if r[1] == "0x5000"}
        self.assertEqual(len(universes), 16)


if __name__ == "__main__":
    unittest.main()
