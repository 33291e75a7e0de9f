"""Integration tests: presets over REST (save, list, export, load, delete, import), kept in
SQLite across restarts, and a database that cannot be opened refusing to start."""
import os
import sqlite3
import subprocess
import tempfile
import unittest
import urllib.parse

from recording_test import BIN, Server


class Presets(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data = os.path.join(self.tmp.name, "data")
        self.server = Server(self.data)

    def tearDown(self):
        self.server.stop()
        self.tmp.cleanup()

    def test_save_change_load_restores_every_parameter(self):
        s = self.server
        _, before = s.json("GET", "/api/v1/control", expect=200)
        _, saved = s.json("POST", "/api/v1/presets", {"name": "calm verse"}, expect=201)
        self.assertEqual(saved["name"], "calm verse")
        self.assertEqual(saved["params"], before["params"])

        s.json("POST", "/api/v1/control",
               {"bpm": 140, "intensity": 0.9, "key": "A minor",
                "agents": {"bass": {"level": 0.3, "enabled": False}}}, expect=200)
        _, changed = s.json("GET", "/api/v1/control", expect=200)
        self.assertNotEqual(changed["params"], before["params"])

        _, loaded = s.json("POST", "/api/v1/presets/%s/load" % urllib.parse.quote("calm verse"),
                           expect=200)
        self.assertEqual(loaded["params"], before["params"])
        _, after = s.json("GET", "/api/v1/control", expect=200)
        self.assertEqual(after["params"], before["params"])

    def test_list_export_delete(self):
        s = self.server
        for name in ("b-side", "a-side"):
            s.json("POST", "/api/v1/presets", {"name": name}, expect=201)
        _, listing = s.json("GET", "/api/v1/presets", expect=200)
        self.assertEqual([p["name"] for p in listing["presets"]], ["a-side", "b-side"])
        _, doc = s.json("GET", "/api/v1/presets/a-side", expect=200)
        self.assertIn("bpm", doc["params"])
        status, _, body = s.request("DELETE", "/api/v1/presets/a-side")
        self.assertEqual(status, 204)
        status, err = s.json("GET", "/api/v1/presets/a-side")
        self.assertEqual(status, 404)
        self.assertEqual(err["error"]["code"], "not_found")
        status, _, _ = s.request("DELETE", "/api/v1/presets/a-side")
        self.assertEqual(status, 404)

    def test_import_is_validated_like_control_and_loads(self):
        s = self.server
        status, err = s.json("POST", "/api/v1/presets", {"name": "bad", "params": {"bpm": 999}})
        self.assertEqual(status, 400)
        self.assertEqual(err["error"]["code"], "invalid_param")
        self.assertEqual(err["error"]["field"], "bpm")
        status, err = s.json("POST", "/api/v1/presets", {"name": "bad", "params": {"tempo": 90}})
        self.assertEqual(status, 400)
        self.assertEqual(err["error"]["code"], "unknown_param")
        status, _ = s.json("GET", "/api/v1/presets/bad")
        self.assertEqual(status, 404)  # nothing half-stored

        _, doc = s.json("POST", "/api/v1/presets",
                        {"name": "fast", "params": {"bpm": 150, "key": "E minor"}}, expect=201)
        self.assertEqual(doc["params"]["bpm"], 150)
        # An exported document imports unchanged.
        _, again = s.json("POST", "/api/v1/presets", {"name": "copy", "params": doc["params"]},
                          expect=201)
        self.assertEqual(again["params"], doc["params"])
        _, loaded = s.json("POST", "/api/v1/presets/fast/load", expect=200)
        self.assertEqual(loaded["params"]["bpm"], 150)
        self.assertEqual(loaded["params"]["key"], "E minor")

    def test_bad_names_are_refused(self):
        s = self.server
        for name in ("", "..", "a/b", "x" * 65, "semi;colon"):
            status, err = s.json("POST", "/api/v1/presets", {"name": name})
            self.assertEqual(status, 400, name)
            self.assertEqual(err["error"]["field"], "name")
        status, _ = s.json("POST", "/api/v1/presets", {"title": "x"})
        self.assertEqual(status, 400)

    def test_presets_survive_a_restart(self):
        self.server.json("POST", "/api/v1/presets", {"name": "kept"}, expect=201)
        self.assertEqual(self.server.stop(), 0)
        self.server = Server(self.data)
        _, doc = self.server.json("GET", "/api/v1/presets/kept", expect=200)
        self.assertEqual(doc["name"], "kept")
        # The schema version is recorded in the database.
        with sqlite3.connect(os.path.join(self.data, "auralis.db")) as db:
            self.assertGreaterEqual(db.execute("PRAGMA user_version").fetchone()[0], 1)


class DatabaseAtStart(unittest.TestCase):
    def run_serve(self, data):
        return subprocess.run([BIN, "serve", "--port", "0", "--data-dir", data],
                              capture_output=True, text=True, timeout=60)

    def test_corrupt_database_exits_1_with_a_message(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "auralis.db"), "wb") as f:
                f.write(b"not a database " * 200)
            r = self.run_serve(d)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("auralis.db", r.stderr)
            self.assertIn("corrupt", r.stderr)

    def test_locked_database_exits_1_with_a_message(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "auralis.db")
            holder = sqlite3.connect(path, isolation_level=None)
            try:
                holder.execute("CREATE TABLE t(x)")
                holder.execute("BEGIN EXCLUSIVE")
                r = self.run_serve(d)
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                self.assertIn("locked", r.stderr)
                self.assertIn(path, r.stderr)  # the message names the file
            finally:
                holder.close()


if __name__ == "__main__":
    unittest.main()
