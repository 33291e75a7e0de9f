"""Integration test: Debian's nginx with deploy/nginx/auralis.conf (its ports replaced) in
front of a real `auralis serve`; HTTP, range downloads and the WebSocket (status, control, audio
frames) go through the proxy."""
import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from recording_test import Server

SOURCE = os.environ.get("TEST_AURALIS_SOURCE_DIR",
                        os.path.join(os.path.dirname(__file__), "..", ".."))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(os.path.exists(NGINX), "nginx is not installed (scripts/deps.sh)")
class ThroughNginx(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.server = Server(os.path.join(self.tmp.name, "data"))
        self.port = free_port()
        with open(os.path.join(SOURCE, "deploy", "nginx", "auralis.conf")) as f:
            site = f.read()
        self.assertIn("listen 80;", site)
        self.assertIn("server 127.0.0.1:8000;", site)
        site = site.replace("listen 80;", "listen 127.0.0.1:%d;" % self.port)
        site = site.replace("server 127.0.0.1:8000;", "server 127.0.0.1:%d;" % self.server.port)
        prefix = self.tmp.name
        with open(os.path.join(prefix, "site.conf"), "w") as f:
            f.write(site)
        temp_paths = "".join("  %s_temp_path %s/%s;\n" % (k, prefix, k)
                             for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # As root, nginx would switch its workers to "nobody", who cannot read the
        # temporary prefix; the `user` directive keeps them as the current user.
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = ("%sdaemon off;\nworker_processes 1;\npid %s/nginx.pid;\n"
                "error_log %s/error.log info;\nevents { worker_connections 256; }\n"
                "http {\n  access_log %s/access.log;\n%s  include %s/site.conf;\n}\n"
                % (user, prefix, prefix, prefix, temp_paths, prefix))
        with open(os.path.join(prefix, "nginx.conf"), "w") as f:
            f.write(conf)
        test = subprocess.run([NGINX, "-t", "-p", prefix, "-c", os.path.join(prefix, "nginx.conf")],
                              capture_output=True, text=True)
        self.assertEqual(test.returncode, 0, test.stderr)
        self.nginx = subprocess.Popen([NGINX, "-p", prefix, "-c", os.path.join(prefix, "nginx.conf")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)

    def tearDown(self):
        self.nginx.terminate()
        try:
            self.nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.nginx.kill()
        self.server.stop()
        self.tmp.cleanup()

    def get(self, path, headers=None):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path),
                                     headers=headers or {})
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, dict(r.headers), r.read()

    def test_health_status_and_range_download_through_the_proxy(self):
        status, _, body = self.get("/health")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["status"], "ok")
        _, r = self.server.json("POST", "/api/v1/recordings", {"format": "wav"}, expect=201)
        time.sleep(0.5)
        self.server.json("POST", "/api/v1/recordings/%s/stop" % r["id"], expect=200)
        status, headers, part = self.get("/api/v1/recordings/%s/audio" % r["id"],
                                         {"Range": "bytes=0-3"})
        self.assertEqual(status, 206)
        self.assertEqual(part, b"RIFF")
        self.assertTrue(headers.get("Content-Range", "").startswith("bytes 0-3/"))

    def test_websocket_status_control_and_audio_through_the_proxy(self):
        import websockets  # python3-websockets

        async def session():
            uri = "ws://127.0.0.1:%d/ws" % self.port
            async with websockets.connect(uri, max_size=None, open_timeout=20) as ws:
                first = json.loads(await asyncio.wait_for(ws.recv(), 20))
                self.assertEqual(first["type"], "status")
                await ws.send(json.dumps({"type": "control", "reqId": "n1",
                                          "params": {"bpm": 101}}))
                await ws.send(json.dumps({"type": "subscribe", "reqId": "n2", "audio": "pcm16"}))
                acked, frames, deadline = False, 0, time.time() + 30
                while time.time() < deadline and not (acked and frames >= 5):
                    msg = await asyncio.wait_for(ws.recv(), 20)
                    if isinstance(msg, bytes):
                        self.assertEqual(msg[:4], b"AUR1")
                        frames += 1
                    else:
                        m = json.loads(msg)
                        if m.get("type") == "ack" and m.get("reqId") == "n1":
                            acked = True
                            self.assertEqual(m["applied"]["bpm"], 101)
                        self.assertNotEqual(m.get("type"), "error", m)
                self.assertTrue(acked, "no ack through the proxy")
                self.assertGreaterEqual(frames, 5, "audio frames did not stream through")

        asyncio.run(session())
        _, control = self.server.json("GET", "/api/v1/control", expect=200)
        self.assertEqual(control["params"]["bpm"], 101)


if __name__ == "__main__":
    unittest.main()
