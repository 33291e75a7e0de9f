"""MIDI out over JACK MIDI: a private jackd on the dummy driver, the server with
--midi-out jack, and jack_midi_dump connected to auralis:midi_out must see note-ons
on the agents' channels and MIDI clock. (This VM has no ALSA sequencer device,
/dev/snd/seq, so the ALSA path is not tested here.)"""
import os
import re
import shutil
import subprocess
import threading
import time
import unittest

from osc_support import Server, wait_for


@unittest.skipUnless(shutil.which("jackd") and shutil.which("jack_midi_dump"), "needs jackd2")
class JackMidi(unittest.TestCase):
    def setUp(self):
        # A fixed name, not one per process: jackd frees a dead server's registry slot
        # only for a new server of the same name, and its registry holds 8 (see
        # tests/rt/dummy_jack_server.hpp).
        self.name = "auralis-midi-test"
        self.env = {**os.environ, "JACK_DEFAULT_SERVER": self.name, "JACK_NO_AUDIO_RESERVATION": "1"}
        self.procs = []
        self.jackd = self.spawn(["jackd", "--no-realtime", "-n", self.name, "-d", "dummy",
                                 "-r", "48000", "-p", "256"])
        up = wait_for(lambda: subprocess.run(["jack_lsp"], env=self.env, capture_output=True,
                                             timeout=10).returncode == 0, timeout=30, interval=0.3)
        self.assertTrue(up, "jackd (dummy) did not start")
        old = os.environ.get("JACK_DEFAULT_SERVER")
        os.environ["JACK_DEFAULT_SERVER"] = self.name
        try:
            self.server = Server("--midi-out", "jack", "--bpm", "180", "--intensity", "1")
        finally:
            if old is None:
                del os.environ["JACK_DEFAULT_SERVER"]
            else:
                os.environ["JACK_DEFAULT_SERVER"] = old

    def spawn(self, args):
        p = subprocess.Popen(args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
        self.procs.append(p)
        return p

    def tearDown(self):
        if hasattr(self, "server"):
            self.server.stop()
        for p in reversed(self.procs):
            p.kill()
            p.wait()
            p.stdout.close()

    def test_notes_and_clock_reach_a_jack_client(self):
        self.assertIn("JACK MIDI port auralis:midi_out", self.server.banner)
        dump = self.spawn(["jack_midi_dump", "auralis-test-dump"])
        ports = lambda: subprocess.run(["jack_lsp"], env=self.env, capture_output=True, text=True,
                                       timeout=10).stdout
        self.assertTrue(wait_for(lambda: "auralis-test-dump:input" in ports(), timeout=20), ports())
        port = next(l for l in ports().splitlines() if l.endswith(":midi_out"))
        r = subprocess.run(["jack_connect", port, "auralis-test-dump:input"], env=self.env,
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(dump.stdout.readline, "")))
        reader.daemon = True
        reader.start()
        seen = lambda: (any("note on" in l for l in lines) and any(" f8" in l for l in lines))
        self.assertTrue(wait_for(seen, timeout=30), "".join(lines[-30:]))
        channels = {int(m.group(1)) for l in lines for m in [re.search(r"note on\s+\(channel\s+(\d+)\)", l)] if m}
        # Agents play on wire channels 0, 1, 2, 9, 4 (jack_midi_dump may count from 1).
        self.assertTrue(channels <= {0, 1, 2, 4, 9} or channels <= {1, 2, 3, 5, 10}, channels)
        self.assertGreater(self.server.metric("auralis_midi_messages_total"), 0)


if __name__ == "__main__":
    unittest.main()
