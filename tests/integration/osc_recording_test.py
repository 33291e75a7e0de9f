"""Recording over OSC: liblo's oscsend starts a bundle recording and stops it
through /auralis/recording/{start,stop}; bad arguments are refused and counted;
/api/v1/osc lists both addresses."""
import os
import subprocess
import unittest

from osc_support import Server, wait_for


def oscsend(port, address, types=None, *values):
    cmd = ["oscsend", "127.0.0.1", str(port), address]
    if types is not None:
        cmd += [types, *map(str, values)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=10)


class OscRecording(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.assertIsNotNone(self.server.osc_port, self.server.banner)

    def tearDown(self):
        self.server.stop()

    def recordings(self):
        return self.server.get_json("/api/v1/recordings")["recordings"]

    def test_start_bundle_then_stop_over_osc(self):
        r = oscsend(self.server.osc_port, "/auralis/recording/start", "si", "wav", 1)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(wait_for(lambda: len(self.recordings()) == 1, timeout=30),
                        self.server.stderr())
        rec = self.recordings()[0]
        self.assertEqual(rec["status"], "recording")
        self.assertEqual(rec["format"], "wav")
        self.assertTrue(rec["bundle"])
        self.assertTrue(wait_for(lambda: self.recordings()[0]["frames"] > 0, timeout=30))
        # A second start while one runs is refused (busy), not a second recording.
        refused = self.server.metric("auralis_osc_refused_total")
        oscsend(self.server.osc_port, "/auralis/recording/start")
        self.assertTrue(wait_for(
            lambda: self.server.metric("auralis_osc_refused_total") > refused, timeout=30))
        self.assertEqual(len(self.recordings()), 1)

        oscsend(self.server.osc_port, "/auralis/recording/stop")
        self.assertTrue(wait_for(lambda: self.recordings()[0]["status"] == "stopped", timeout=30),
                        self.server.stderr())
        done = self.recordings()[0]
        self.assertGreater(done["frames"], 0)
        bundle = os.path.join(self.server.dir.name, "data", done["bundlePath"])
        self.assertTrue(os.path.isfile(os.path.join(bundle, "manifest.json")))

        # Stopping by id: this one is no longer recording.
        refused = self.server.metric("auralis_osc_refused_total")
        oscsend(self.server.osc_port, "/auralis/recording/stop", "s", done["id"])
        self.assertTrue(wait_for(
            lambda: self.server.metric("auralis_osc_refused_total") > refused, timeout=30))

    def test_bad_arguments_are_refused(self):
        port = self.server.osc_port
        oscsend(port, "/auralis/recording/start", "s", "mp3")  # unknown format
        oscsend(port, "/auralis/recording/start", "i", 7)  # bundle must be 0 or 1
        oscsend(port, "/auralis/recording/stop", "f", 1.5)  # the id is a string
        oscsend(port, "/auralis/recording/stop")  # nothing is recording
        self.assertTrue(wait_for(
            lambda: (self.server.metric("auralis_osc_refused_total") or 0) >= 4, timeout=30))
        self.assertEqual(self.recordings(), [])

    def test_namespace_lists_recording_addresses(self):
        ns = self.server.get_json("/api/v1/osc")
        by_address = {a["address"]: a for a in ns["in"]}
        for address in ("/auralis/recording/start", "/auralis/recording/stop"):
            self.assertIn(address, by_address)
            self.assertEqual(by_address[address]["kind"], "command")
        self.assertEqual(by_address["/auralis/recording/start"]["args"], ["format", "bundle"])


if __name__ == "__main__":
    unittest.main()
