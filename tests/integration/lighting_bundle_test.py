"""Lighting in session bundles and presets: a bundle recorded with lighting on
carries every DMX frame (dmx.bin, parsed here), the scene is a parameter
(GET/PUT /api/v1/lighting/scene) and presets keep it.

Lighting goes to a free loopback UDP port nobody reads; ArtPoll is not answered
(AURALIS_LIGHTING_ARTPOLL_BIND="") so parallel tests never share a port."""
import json
import os
import socket
import statistics
import struct
import tempfile
import time
import unittest

from recording_test import Server

HEADER = struct.Struct("<8sHHIII")


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_dmx(path):
    """(header fields, [(sample, [universe bytes, ...]), ...]) of a dmx.bin."""
    with open(path, "rb") as f:
        data = f.read()
    magic, version, slots, rate, millifps, _ = HEADER.unpack_from(data, 0)
    at, frames = HEADER.size, []
    while at < len(data):
        sample, universes = struct.unpack_from("<qH", data, at)
        at += 10
        size = universes * slots
        if at + size > len(data):
            raise AssertionError("truncated frame at byte %d" % at)
        frames.append((sample, [data[at + u * slots:at + (u + 1) * slots]
                                for u in range(universes)]))
        at += size
    return {"magic": magic, "version": version, "slots": slots, "rate": rate,
            "fps": millifps / 1000.0}, frames


class Env:
    """Sets environment variables for the servers started inside; restores them after."""

    def __init__(self, **values):
        self.values, self.saved = values, {}

    def __enter__(self):
        for k, v in self.values.items():
            self.saved[k] = os.environ.get(k)
            os.environ[k] = v
        return self

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class LightingServer(unittest.TestCase):
    universes = 3

    def setUp(self):
        self.env = Env(AURALIS_LIGHTING_ARTPOLL_BIND="", AURALIS_LIGHTING_SACN_TARGETS="")
        self.env.__enter__()
        self.tmp = tempfile.TemporaryDirectory()
        self.data = os.path.join(self.tmp.name, "data")
        self.server = Server(self.data, "--artnet-target", "127.0.0.1:%d" % free_udp_port(),
                             "--universes", str(self.universes))

    def tearDown(self):
        self.server.stop()
        self.env.__exit__()
        self.tmp.cleanup()


class DmxInBundle(LightingServer):
    def test_bundle_holds_every_lighting_frame(self):
        s = self.server
        _, started = s.json("POST", "/api/v1/recordings", {"format": "wav", "bundle": True},
                            expect=201)
        time.sleep(4)
        _, row = s.json("POST", "/api/v1/recordings/%s/stop" % started["id"], expect=200)
        bundle = os.path.join(self.data, row["bundlePath"])
        with open(os.path.join(bundle, "manifest.json")) as f:
            manifest = json.load(f)
        header, frames = read_dmx(os.path.join(bundle, manifest["dmx"]["file"]))
        self.assertEqual(header["magic"], b"AURALDMX")
        self.assertEqual(header["version"], 1)
        self.assertEqual(header["slots"], 512)
        self.assertEqual(header["rate"], row["sampleRate"])
        self.assertEqual(manifest["dmx"]["frames"], len(frames))
        self.assertEqual(manifest["dmx"]["drops"], 0)
        self.assertTrue(all(len(u) == self.universes for _, u in frames))
        self.assertTrue(any(any(b != 0 for b in u[0]) for _, u in frames), "all dark")

        samples = [t for t, _ in frames]
        self.assertTrue(all(b >= a for a, b in zip(samples, samples[1:])), "not in order")
        start, end = row["startSample"], row["startSample"] + row["frames"]
        self.assertGreaterEqual(samples[0], start)
        self.assertLessEqual(samples[-1], end)
        # ~40 FPS over the recorded span (a loaded VM may lose a few frames' worth).
        seconds = row["frames"] / row["sampleRate"]
        rate = len(frames) / seconds
        self.assertGreater(rate, 0.6 * header["fps"], "%.1f frames/s" % rate)
        self.assertLess(rate, 1.1 * header["fps"], "%.1f frames/s" % rate)
        step = statistics.median(b - a for a, b in zip(samples, samples[1:]))
        self.assertAlmostEqual(step, row["sampleRate"] / header["fps"],
                               delta=0.5 * row["sampleRate"] / header["fps"])

    def test_capture_starts_again_for_the_next_bundle(self):
        s = self.server
        _, started = s.json("POST", "/api/v1/recordings", {"format": "wav"}, expect=201)
        time.sleep(0.5)
        _, row = s.json("POST", "/api/v1/recordings/%s/stop" % started["id"], expect=200)
        self.assertFalse(row["bundle"])
        # The same server keeps capturing for the next bundle.
        _, started = s.json("POST", "/api/v1/recordings", {"bundle": True}, expect=201)
        time.sleep(1)
        _, row = s.json("POST", "/api/v1/recordings/%s/stop" % started["id"], expect=200)
        with open(os.path.join(self.data, row["bundlePath"], "manifest.json")) as f:
            self.assertGreater(json.load(f)["dmx"]["frames"], 0)


class NoLighting(unittest.TestCase):
    def test_manifest_dmx_is_null_when_lighting_is_off(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            with Env(AURALIS_LIGHTING_ARTNET_TARGETS="", AURALIS_LIGHTING_SACN_TARGETS=""):
                s = Server(data)
            try:
                _, started = s.json("POST", "/api/v1/recordings", {"bundle": True}, expect=201)
                time.sleep(0.5)
                _, row = s.json("POST", "/api/v1/recordings/%s/stop" % started["id"], expect=200)
            finally:
                s.stop()
            bundle = os.path.join(data, row["bundlePath"])
            with open(os.path.join(bundle, "manifest.json")) as f:
                self.assertIsNone(json.load(f)["dmx"])
            self.assertFalse(os.path.exists(os.path.join(bundle, "dmx.bin")))


if __name__ == "__main__":
    unittest.main()
