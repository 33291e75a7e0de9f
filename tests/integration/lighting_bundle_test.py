"""Lighting in session bundles and presets: a bundle recorded with lighting on
carries every DMX frame (dmx.bin, parsed here), the scene is a parameter
(GET/PUT /api/v1/lighting/scene) and presets keep it.

Lighting goes to a free loopback UDP port nobody reads; ArtPoll is not answered
(AURALIS_LIGHTING_ARTPOLL_BIND="") so parallel tests never share a port."""
import json
import os
import sqlite3
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


ATTRIBUTES = ("dimmer", "red", "green", "blue", "white", "amber", "strobe")


def flat_scene(name, level):
    """Every attribute of the default rig held at `level`, no smoothing."""
    return {"name": name, "rules": [{"attribute": a, "source": "constant", "offset": level,
                                     "releaseMs": 0, "attackMs": 0} for a in ATTRIBUTES]}


class SceneParameter(LightingServer):
    def record_frames(self, seconds):
        s = self.server
        _, started = s.json("POST", "/api/v1/recordings", {"bundle": True}, expect=201)
        time.sleep(seconds)
        _, row = s.json("POST", "/api/v1/recordings/%s/stop" % started["id"], expect=200)
        return read_dmx(os.path.join(self.data, row["bundlePath"], "dmx.bin"))[1]

    def test_get_put_scene_changes_the_lights(self):
        s = self.server
        _, scene = s.json("GET", "/api/v1/lighting/scene", expect=200)
        self.assertEqual(scene["name"], "default")
        self.assertTrue(scene["rules"])
        _, stored = s.json("PUT", "/api/v1/lighting/scene", flat_scene("dark", 0), expect=200)
        self.assertEqual(stored["name"], "dark")
        _, now = s.json("GET", "/api/v1/lighting/scene", expect=200)
        self.assertEqual(now, stored)
        self.assertEqual([r["source"] for r in now["rules"]], ["constant"] * len(ATTRIBUTES))
        # Taken at the next frame: a bundle recorded now is dark throughout.
        frames = self.record_frames(1.5)
        self.assertGreater(len(frames), 10)
        self.assertTrue(all(not any(any(u) for u in us) for _, us in frames[2:]),
                        "lights still on under the dark scene")
        s.json("PUT", "/api/v1/lighting/scene", flat_scene("bright", 1), expect=200)
        frames = self.record_frames(1.5)
        self.assertTrue(all(max(us[0]) == 255 for _, us in frames[2:]))

    def test_invalid_scenes_are_refused_with_the_field(self):
        s = self.server
        bad = flat_scene("bad", 0)
        bad["rules"][1]["source"] = "moon"
        status, err = s.json("PUT", "/api/v1/lighting/scene", bad)
        self.assertEqual(status, 400)
        self.assertEqual(err["error"]["code"], "invalid_param")
        self.assertEqual(err["error"]["field"], "rules[1].source")
        status, err = s.json("PUT", "/api/v1/lighting/scene", {"name": "x", "rules": [
            {"attribute": "dimmer", "source": "level", "min": 0.8, "max": 0.2}]})
        self.assertEqual(status, 400)
        self.assertEqual(err["error"]["field"], "rules[0].min")
        status, _, _ = s.request("PUT", "/api/v1/lighting/scene", b"{not json")
        self.assertEqual(status, 400)
        status, _, _ = s.request("DELETE", "/api/v1/lighting/scene")
        self.assertEqual(status, 405)
        _, scene = s.json("GET", "/api/v1/lighting/scene", expect=200)
        self.assertEqual(scene["name"], "default")  # nothing half-applied

    def test_presets_keep_export_import_and_load_the_scene(self):
        s = self.server
        s.json("PUT", "/api/v1/lighting/scene", flat_scene("dark", 0), expect=200)
        s.json("POST", "/api/v1/presets", {"name": "night"}, expect=201)
        _, doc = s.json("GET", "/api/v1/presets/night", expect=200)
        self.assertEqual(doc["lighting"]["scene"]["name"], "dark")
        self.assertIn("bpm", doc["params"])

        s.json("PUT", "/api/v1/lighting/scene", flat_scene("bright", 1), expect=200)
        s.json("POST", "/api/v1/presets/night/load", expect=200)
        _, scene = s.json("GET", "/api/v1/lighting/scene", expect=200)
        self.assertEqual(scene, doc["lighting"]["scene"])

        # The export imports unchanged, scene and all.
        _, copy = s.json("POST", "/api/v1/presets", {"name": "copy", "params": doc["params"],
                                                      "lighting": doc["lighting"]}, expect=201)
        self.assertEqual(copy["lighting"], doc["lighting"])
        bad = flat_scene("bad", 0)
        bad["rules"][0]["attribute"] = "laser"
        status, err = s.json("POST", "/api/v1/presets", {"name": "bad", "params": doc["params"],
                                                          "lighting": {"scene": bad}})
        self.assertEqual(status, 400)
        self.assertEqual(err["error"]["field"], "lighting.scene.rules[0].attribute")
        status, _ = s.json("GET", "/api/v1/presets/bad")
        self.assertEqual(status, 404)

    def test_a_preset_saved_without_a_scene_still_loads(self):
        s = self.server
        _, doc = s.json("POST", "/api/v1/presets", {"name": "x", "params": {"bpm": 111}},
                        expect=201)
        self.assertNotIn("lighting", doc)
        s.stop()
        # The form presets had before scenes were kept: the bare params object.
        with sqlite3.connect(os.path.join(self.data, "auralis.db")) as db:
            db.execute("INSERT INTO presets (name, params, created_at, updated_at) "
                       "VALUES ('old', ?, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
                       (json.dumps(doc["params"]),))
        db.close()
        self.server = Server(self.data, "--artnet-target", "127.0.0.1:%d" % free_udp_port())
        s = self.server
        s.json("PUT", "/api/v1/lighting/scene", flat_scene("kept", 0.5), expect=200)
        _, old = s.json("GET", "/api/v1/presets/old", expect=200)
        self.assertEqual(old["params"]["bpm"], 111)
        self.assertNotIn("lighting", old)
        _, loaded = s.json("POST", "/api/v1/presets/old/load", expect=200)
        self.assertEqual(loaded["params"]["bpm"], 111)
        _, scene = s.json("GET", "/api/v1/lighting/scene", expect=200)
        self.assertEqual(scene["name"], "kept")  # untouched by a preset without one


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
