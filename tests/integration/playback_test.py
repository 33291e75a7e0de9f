"""Playback of uploaded sources through the engine, against the real server.

A sine written by Python's wave module (44.1 kHz mono, so the worker resamples
it to the engine's 48 kHz) is uploaded, played with the ensemble's agents
switched off, and listened to on the WebSocket's pcm16 stream: the tone's
frequency must dominate while it plays and the output must fall silent after a
stop. Seek, loop, the end of a source, the errors (unknown sourceId, bad values
naming the field), REST and OSC (liblo's oscsend) are checked on the way.
"""
import asyncio
import io
import json
import math
import os
import socket
import tempfile
import struct
import subprocess
import time
import unittest
import wave

import numpy as np
import websockets

from protocol_client import AuralisServer, read_frames, read_type

TONE_HZ = 1000.0
FILE_RATE = 44100
AGENTS_OFF = {"agents": {a: {"enabled": False} for a in ("harmony", "bass", "melody", "percussion")}}


def sine_wav(seconds, freq=TONE_HZ, rate=FILE_RATE, amplitude=0.5):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        n = int(seconds * rate)
        w.writeframes(b"".join(struct.pack("<h", int(amplitude * 32767 * math.sin(
            2 * math.pi * freq * i / rate))) for i in range(n)))
    return buf.getvalue()


def pcm(frames):
    """Left channel of pcm16 frames as floats, and the stream's rate."""
    data = b"".join(f["payload"] for f in frames)
    x = np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0
    return x[0::frames[0]["channels"]], frames[0]["rate"]


def tone_share(x, rate, freq=TONE_HZ):
    """(RMS, share of the spectrum's energy within 50 Hz of `freq`)."""
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    hz = np.fft.rfftfreq(len(x), 1.0 / rate)
    near = spec[(hz > freq - 50) & (hz < freq + 50)].sum()
    return float(np.sqrt(np.mean(x ** 2))), float(near / max(spec.sum(), 1e-20))


class Playback(unittest.TestCase):
    def setUp(self):
        self.runtime = tempfile.TemporaryDirectory()  # the Unix socket goes here
        self.srv = AuralisServer(extra_args=["--backend", "clock", "--osc-port", "0"],
                                 env={"XDG_RUNTIME_DIR": self.runtime.name}).start()

    def tearDown(self):
        self.srv.stop()
        self.runtime.cleanup()

    def ipc(self, message):
        """One request line on the Unix socket, its reply."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(os.path.join(self.runtime.name, "auralis.sock"))
            s.sendall((json.dumps(message) + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return json.loads(data)

    def upload(self, seconds, name="tone.wav"):
        status, _, body = self.srv.http("POST", "/upload?filename=" + name, body=sine_wav(seconds),
                                        headers={"Content-Type": "application/octet-stream"},
                                        timeout=60)
        self.assertIn(status, (200, 201), body)
        return json.loads(body)["sourceId"]

    def post(self, body):
        status, _, data = self.srv.http("POST", "/api/v1/playback", body=json.dumps(body),
                                        headers={"Content-Type": "application/json"})
        return status, json.loads(data)

    def state(self):
        status, state = self.srv.get_json("/api/v1/playback")
        self.assertEqual(status, 200)
        return state

    def wait_state(self, pred, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.state()
            if pred(s):
                return s
            time.sleep(0.1)
        self.fail("playback state never matched: %s" % self.state())

    def test_play_seek_loop_stop_heard_on_the_stream(self):
        source = self.upload(3.0)

        async def frames_after(ws, seconds, count):
            """`count` audio frames rendered at least `seconds` after now (engine clock)."""
            await ws.send(json.dumps({"type": "ping", "reqId": "clock"}))
            pong = await read_type(ws, "pong")
            start = pong["samplePosition"] + int(seconds * pong["sampleRate"])
            frames = []
            while len(frames) < count:
                f = (await read_frames(ws, 1))[0]
                if f["position"] >= start:
                    frames.append(f)
            return pcm(frames)

        async def run():
            async with websockets.connect(self.srv.ws_url, max_size=None) as ws:
                await ws.send(json.dumps({"type": "control", "reqId": 1, "params": AGENTS_OFF}))
                await read_type(ws, "ack")
                await asyncio.sleep(2.0)  # agents fade out, reverb tails die away
                await ws.send(json.dumps({"type": "subscribe", "audio": "pcm16"}))
                await read_type(ws, "subscribed")
                await ws.send(json.dumps({"type": "playback", "reqId": "p1", "action": "play",
                                          "sourceId": source, "gainDb": 0}))
                ack = await read_type(ws, "ack")
                self.assertEqual(ack["reqId"], "p1")
                self.assertEqual(ack["playback"]["sourceId"], source)
                self.assertTrue(ack["playback"]["playing"])
                heard = await frames_after(ws, 0.3, 8)
                await ws.send(json.dumps({"type": "playback", "reqId": "p2", "action": "stop",
                                          "crossfade": 0.05}))
                await read_type(ws, "ack")
                after = await frames_after(ws, 0.3, 5)
                return heard, after

        heard, after = asyncio.run(asyncio.wait_for(run(), 60))
        rms, share = tone_share(*heard)
        self.assertGreater(rms, 0.02, "the source is not heard")
        self.assertGreater(share, 0.8, "the source's 1 kHz does not dominate")
        rms_after, share_after = tone_share(*after)
        self.assertLess(rms_after * math.sqrt(share_after), rms * math.sqrt(share) / 30,
                        "the source is still heard after the stop's fade")
        self.assertLess(rms_after, rms / 5, "not silent after the stop's fade")
        self.assertEqual(self.state()["state"], "stopped")

        # Seek (REST): the position is reported from the new place.
        status, body = self.post({"action": "play", "sourceId": source})
        self.assertEqual(status, 200, body)
        status, body = self.post({"action": "seek", "position": 2.0})
        self.assertEqual(status, 200, body)
        s = self.wait_state(lambda s: s["position"] >= 2.0)
        self.assertLessEqual(s["position"], 3.0)
        # Loop: past the end it keeps playing, the position wraps.
        status, body = self.post({"action": "loop", "loop": True})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["playback"]["loop"])
        self.wait_state(lambda s: s["playing"] and s["position"] < 1.5, timeout=8)
        # No loop: the source plays to its end and says so.
        self.post({"action": "loop", "loop": False})
        s = self.wait_state(lambda s: s["state"] == "ended", timeout=10)
        self.assertFalse(s["playing"])
        self.assertEqual(self.srv.metric("auralis_playback_underruns_total"), 0.0)
        self.assertIsNotNone(self.srv.metric("auralis_playback_buffer_seconds"))

    def test_errors_name_the_field_on_every_surface(self):
        source = self.upload(1.0)

        async def run():
            async with websockets.connect(self.srv.ws_url) as ws:
                await read_type(ws, "status")
                replies = []
                for i, msg in enumerate([
                        {"action": "play", "sourceId": "no-such-source"},
                        {"action": "play", "sourceId": source, "gain": "loud"},
                        {"action": "play", "sourceId": source, "crossfade": 99},
                        {"action": "play", "sourceId": source, "volume": 1},
                        {"action": "rewind"},
                        {"action": "seek"},
                        {"action": "play", "sourceId": source, "position": 1e309}]):
                    await ws.send(json.dumps({"type": "playback", "reqId": i, **msg})
                                  if i < 6 else
                                  '{"type":"playback","reqId":6,"action":"play","sourceId":"%s",'
                                  '"position":1e309}' % source)
                    replies.append(await read_type(ws, "error"))
                return replies

        replies = asyncio.run(asyncio.wait_for(run(), 30))
        expected = [("not_found", "sourceId"), ("invalid_param", "gain"),
                    ("invalid_param", "crossfade"), ("unknown_param", "volume"),
                    ("invalid_param", "action"), ("invalid_param", "position"),
                    ("invalid_param", "position")]
        for i, (reply, (code, field)) in enumerate(zip(replies, expected)):
            self.assertEqual(reply["reqId"], i)
            self.assertEqual((reply["code"], reply.get("field")), (code, field), reply)
        self.assertEqual(self.state()["state"], "stopped")  # nothing refused was applied

        # The Unix socket: the same message, the same validation.
        reply = self.ipc({"type": "playback", "reqId": "i1", "action": "play", "sourceId": "nope"})
        self.assertEqual((reply["type"], reply["code"], reply["field"], reply["reqId"]),
                         ("error", "not_found", "sourceId", "i1"))
        reply = self.ipc({"type": "playback", "reqId": "i2", "action": "play", "sourceId": source})
        self.assertEqual((reply["type"], reply["reqId"]), ("ack", "i2"))
        self.assertTrue(reply["playback"]["playing"])
        self.ipc({"type": "playback", "action": "stop"})

        status, body = self.post({"action": "play", "sourceId": "nope"})
        self.assertEqual(status, 404)
        self.assertEqual(body["error"]["field"], "sourceId")
        status, body = self.post({"action": "gain", "gain": -1})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["field"], "gain")
        status, body = self.post({"action": "play", "sourceId": source, "position": 5})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["field"], "position")

    def test_osc_plays_sets_gain_and_stops(self):
        source = self.upload(2.0)
        osc = self.srv.get_json("/api/v1/osc")[1]
        addresses = {a["address"] for a in osc["in"]}
        for a in ("play", "stop", "seek", "gain", "loop"):
            self.assertIn("/auralis/playback/" + a, addresses)
        port = osc["port"]
        self.assertTrue(osc["listening"])

        def send(address, types=None, *values):
            cmd = ["oscsend", "127.0.0.1", str(port), address] + ([types, *map(str, values)]
                                                                  if types else [])
            subprocess.run(cmd, check=True, timeout=10)

        send("/auralis/playback/loop", "i", 1)
        send("/auralis/playback/play", "s", source)
        self.wait_state(lambda s: s["playing"] and s["sourceId"] == source)
        send("/auralis/playback/gain", "f", 0.25)
        self.wait_state(lambda s: abs(s["gain"] - 0.25) < 1e-6)
        send("/auralis/playback/gain", "f", 9.0)  # out of range: refused, never applied
        send("/auralis/playback/seek", "f", 1.5)
        self.wait_state(lambda s: s["position"] >= 1.5 or s["position"] < 0.5)
        self.assertAlmostEqual(self.state()["gain"], 0.25)
        send("/auralis/playback/stop")
        self.wait_state(lambda s: s["state"] == "stopped")


if __name__ == "__main__":
    unittest.main()
