"""Integration tests of the Unix-socket IPC: the real server, a real AF_UNIX client and
auralisctl. JSON lines, reqId echo, validation, the 1 MiB limit, disconnects, subscriptions."""
import json
import os
import stat
import subprocess
import time
import unittest

from ipc_support import BIN, Client, SocketServer

CTL = os.path.join(os.path.dirname(BIN), "auralisctl")


class Ipc(unittest.TestCase):
    def setUp(self):
        self.server = SocketServer()
        self.dir, self.path, self.proc = self.server.dir, self.server.path, self.server.proc
        self.assertIsNotNone(self.path, "the server did not print its socket")

    def tearDown(self):
        self.server.stop()

    def test_socket_is_private_and_in_the_runtime_dir(self):
        self.assertEqual(self.path, os.path.join(self.dir, "auralis.sock"))
        mode = os.stat(self.path).st_mode
        self.assertTrue(stat.S_ISSOCK(mode))
        self.assertEqual(stat.S_IMODE(mode), 0o600)

    def test_status_and_set_bpm_with_reqid_echo(self):
        c = Client(self.path)
        st = c.request({"type": "status_request", "reqId": "a1"})
        self.assertEqual(st["type"], "status")
        self.assertEqual(st["reqId"], "a1")
        ack = c.request({"type": "control", "reqId": 7, "params": {"bpm": 123}})
        self.assertEqual(ack["type"], "ack")
        self.assertEqual(ack["reqId"], 7)
        self.assertEqual(ack["applied"]["bpm"], 123)
        self.assertEqual(c.request({"type": "status_request"})["params"]["bpm"], 123)
        err = c.request({"type": "control", "reqId": "x", "params": {"bpm": 500}})
        self.assertEqual((err["type"], err["code"], err["field"], err["reqId"]),
                         ("error", "invalid_param", "bpm", "x"))
        c.close()

    def test_recording_starts_and_stops_over_the_socket(self):
        c = Client(self.path)
        err = c.request({"type": "recording", "action": "pause", "reqId": 1})
        self.assertEqual((err["type"], err["code"], err["field"]), ("error", "invalid_param", "action"))
        none = c.request({"type": "recording", "action": "stop"})
        self.assertEqual(none["code"], "not_recording")
        started = c.request({"type": "recording", "action": "start", "format": "wav", "reqId": 2})
        self.assertEqual((started["type"], started["reqId"]), ("ack", 2))
        rid = started["recording"]["id"]
        time.sleep(1.0)
        stopped = c.request({"type": "recording", "action": "stop", "reqId": 3})
        self.assertEqual(stopped["recording"]["id"], rid)
        self.assertEqual(stopped["recording"]["status"], "stopped")
        self.assertGreater(stopped["recording"]["frames"], 0)
        c.close()

    def test_malformed_json_and_unknown_type_keep_the_connection(self):
        c = Client(self.path)
        c.s.sendall(b"{not json\n")
        self.assertEqual(c.line()["code"], "bad_json")
        self.assertEqual(c.request({"type": "nope", "reqId": 1})["code"], "unknown_type")
        self.assertEqual(c.request({"type": "ping", "reqId": 2})["type"], "pong")
        c.close()

    def test_line_over_one_mib_is_refused_and_the_connection_survives(self):
        c = Client(self.path)
        big = b'{"type":"ping","pad":"' + b"x" * (1024 * 1024 + 100) + b'"}\n'
        c.s.sendall(big)
        err = c.line()
        self.assertEqual(err["type"], "error")
        self.assertEqual(err["code"], "too_large")
        pong = c.request({"type": "ping", "reqId": "after"})
        self.assertEqual((pong["type"], pong["reqId"]), ("pong", "after"))
        # Just under the limit is served.
        ok = b'{"type":"ping","reqId":"big","pad":"' + b"y" * (1024 * 1024 - 100) + b'"}\n'
        c.s.sendall(ok)
        self.assertEqual(c.line()["reqId"], "big")
        c.close()

    def test_client_disconnecting_mid_message_harms_nobody(self):
        a = Client(self.path)
        a.s.sendall(b'{"type":"control","params":{"bpm":')  # no end, no newline
        a.close()
        b = Client(self.path)
        self.assertEqual(b.request({"type": "status_request"})["type"], "status")
        self.assertNotEqual(b.request({"type": "status_request"})["params"]["bpm"], None)
        b.close()
        self.assertIsNone(self.proc.poll())

    def test_subscribe_streams_events_as_lines(self):
        c = Client(self.path)
        r = c.request({"type": "subscribe", "telemetry": ["generation_update"], "reqId": "s"})
        self.assertEqual((r["type"], r["reqId"]), ("subscribed", "s"))
        ev = c.line()  # the ensemble publishes one per bar (a few seconds at 90 bpm)
        self.assertEqual(ev["type"], "generation_update")
        c.send({"type": "subscribe", "telemetry": ["bogus"]})
        bad = c.line()
        while bad["type"] == "generation_update":  # events may come before the reply
            bad = c.line()
        self.assertEqual(bad["code"], "invalid_param")
        c.close()

    @unittest.skipUnless(os.path.exists(CTL), "auralisctl not built")
    def test_auralisctl_status_set_and_errors(self):
        env = {**os.environ, "XDG_RUNTIME_DIR": self.dir}
        r = subprocess.run([CTL, "set", "bpm=111", "intensity=0.25"], capture_output=True,
                           text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["applied"]["bpm"], 111)
        r = subprocess.run([CTL, "status"], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(json.loads(r.stdout)["params"]["intensity"], 0.25)
        r = subprocess.run([CTL, "set", "bpm=999"], capture_output=True, text=True, env=env,
                           timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(json.loads(r.stdout)["code"], "invalid_param")
        r = subprocess.run([CTL, "dictation", "on"], capture_output=True, text=True, env=env,
                           timeout=30)
        self.assertIn(json.loads(r.stdout)["type"], ("ack", "error"))
        r = subprocess.run([CTL, "frobnicate"], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
