"""MIDI in: Web MIDI over the WebSocket (`midi` message: ack, effect, refusals with
the field), the `midi_in` and `agent_plan` telemetry kinds, the per-agent note
timing histograms, the ALSA port's clear warning where /dev/snd/seq is absent,
and JACK MIDI from a test client (jack_midiseq) on jackd's dummy driver."""
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from osc_support import Server, wait_for  # noqa: E402

import websockets  # noqa: E402  (python3-websockets)


def metric_lines(server, name):
    return [l for l in server.get("/metrics").splitlines() if l.startswith(name)]


async def next_of(ws, kind, timeout=20, pred=lambda m: True):
    async def loop():
        while True:
            m = json.loads(await ws.recv())
            if m.get("type") == kind and pred(m):
                return m
    return await asyncio.wait_for(loop(), timeout)


class WebMidi(unittest.TestCase):
    def setUp(self):
        os.environ["AURALIS_MIDI_IN_PLAY"] = "true"
        os.environ["AURALIS_LIVE_FOLLOW"] = "all"
        try:
            self.server = Server("--midi-in", "alsa", "--bpm", "160")
        finally:
            del os.environ["AURALIS_MIDI_IN_PLAY"]
            del os.environ["AURALIS_LIVE_FOLLOW"]

    def tearDown(self):
        self.server.stop()

    def test_alsa_port_absent_is_a_warning_and_the_server_runs(self):
        if os.path.exists("/dev/snd/seq"):
            self.skipTest("this machine has an ALSA sequencer")
        self.assertRegex(self.server.banner, r"midi in: no port \(.*ALSA.*\) and Web MIDI")
        self.assertIn("Web MIDI still works", self.server.stderr())
        self.assertEqual(json.loads(self.server.get("/health"))["status"] in ("ok", "degraded"), True)

    def test_web_midi_notes_play_publish_and_follow(self):
        async def run():
            url = "ws://127.0.0.1:%d/ws" % self.server.port
            async with websockets.connect(url) as ws:
                await ws.send(json.dumps({"type": "subscribe", "reqId": 1,
                                          "telemetry": ["midi_in", "agent_plan"]}))
                await next_of(ws, "subscribed")
                await ws.send(json.dumps({"type": "midi", "reqId": "n1", "events": [
                    {"t": 1.0, "data": [0x90, 60, 100]}, {"t": 2.0, "data": [0x90, 64, 90]},
                    {"t": 300.0, "data": [0x80, 60, 0]}]}))
                ack = await next_of(ws, "ack", pred=lambda m: m.get("reqId") == "n1")
                self.assertEqual(ack["accepted"], 3)
                note = await next_of(ws, "midi_in", pred=lambda m: m.get("event") == "note_on")
                self.assertEqual(note["pitch"], 60)
                self.assertEqual(note["source"], "web")
                # Malformed: SysEx refused, a cut-short message refused, each naming the field.
                await ws.send(json.dumps({"type": "midi", "reqId": 7,
                                          "events": [{"data": [0xF0, 1, 0xF7]}]}))
                err = await next_of(ws, "error", pred=lambda m: m.get("reqId") == 7)
                self.assertEqual((err["code"], err["field"]), ("invalid_param", "events[0].data"))
                await ws.send(json.dumps({"type": "midi", "reqId": 8,
                                          "events": [{"data": [0x90, 60]}]}))
                err = await next_of(ws, "error", pred=lambda m: m.get("reqId") == 8)
                self.assertEqual(err["field"], "events[0].data")
                # The connection survives and each agent's next bar arrives as agent_plan.
                plan = await next_of(ws, "agent_plan", timeout=30)
                self.assertEqual(set(plan["agents"]), {"harmony", "bass", "melody", "percussion"})
                self.assertGreater(plan["endSample"], plan["sample"])
                notes = [n for a in plan["agents"].values() for n in a]
                self.assertTrue(notes, plan)
                self.assertTrue(all(plan["sample"] - 4800 <= n["sample"] < plan["endSample"] + 48000
                                    for n in notes), plan)
        asyncio.run(run())
        self.assertTrue(wait_for(lambda: (self.server.metric("auralis_midi_in_played_total") or 0) >= 2,
                                 timeout=10), self.server.get("/metrics"))
        self.assertEqual(self.server.metric("auralis_midi_in_notes_total"), 2)
        lead = metric_lines(self.server, 'auralis_agent_note_lead_seconds_count{agent="harmony"}')
        self.assertTrue(lead and float(lead[0].split()[1]) > 0, lead)
        # Lead is positive: the ensemble plans ahead of the playhead.
        s = metric_lines(self.server, 'auralis_agent_note_lead_seconds_sum{agent="harmony"}')
        self.assertGreater(float(s[0].split()[1]), 0)
        late = metric_lines(self.server, 'auralis_agent_note_lateness_seconds_count{agent="response"}')
        self.assertTrue(wait_for(lambda: float(metric_lines(
            self.server, 'auralis_agent_note_lateness_seconds_count{agent="response"}')[0].split()[1]) >= 2,
            timeout=10), late)


@unittest.skipUnless(shutil.which("jackd") and shutil.which("jack_midiseq"), "needs jackd2")
class JackMidiIn(unittest.TestCase):
    def setUp(self):
        self.name = "auralis-midi-in-test"  # fixed: see midi_test.py
        self.env = {**os.environ, "JACK_DEFAULT_SERVER": self.name,
                    "JACK_NO_AUDIO_RESERVATION": "1"}
        self.procs = []
        self.spawn(["jackd", "--no-realtime", "-n", self.name, "-d", "dummy", "-r", "48000",
                    "-p", "256"])
        up = wait_for(lambda: subprocess.run(["jack_lsp"], env=self.env, capture_output=True,
                                             timeout=10).returncode == 0, timeout=30, interval=0.3)
        self.assertTrue(up, "jackd (dummy) did not start")
        saved = dict(os.environ)
        os.environ.update({"JACK_DEFAULT_SERVER": self.name, "AURALIS_MIDI_IN_PLAY": "true"})
        try:
            self.server = Server("--midi-in", "jack")
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def spawn(self, args):
        p = subprocess.Popen(args, env=self.env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def tearDown(self):
        if hasattr(self, "server"):
            self.server.stop()
        for p in reversed(self.procs):
            p.kill()
            p.wait()

    def test_notes_from_a_jack_client_reach_the_engine(self):
        self.assertIn("JACK MIDI port auralis-in:midi_in", self.server.banner)
        # A looping sequence: note 64 every 12000 samples (4 per second at 48 kHz).
        self.spawn(["jack_midiseq", "auralis-test-seq", "12000", "0", "64", "6000"])
        ports = lambda: subprocess.run(["jack_lsp"], env=self.env, capture_output=True, text=True,
                                       timeout=10).stdout
        self.assertTrue(wait_for(lambda: "auralis-test-seq:out" in ports(), timeout=20), ports())
        dest = next(l for l in ports().splitlines() if l.endswith(":midi_in"))
        r = subprocess.run(["jack_connect", "auralis-test-seq:out", dest], env=self.env,
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        played = lambda: (self.server.metric("auralis_midi_in_played_total") or 0) >= 2
        self.assertTrue(wait_for(played, timeout=20), self.server.get("/metrics"))
        self.assertGreaterEqual(self.server.metric("auralis_midi_in_notes_total"), 2)


if __name__ == "__main__":
    unittest.main()
