"""Access control and abuse limits (docs/security.md), against the real binary.

Tokens for control and listening, the Origin allow-list, the per-IP connection
limit, slowloris timeouts, the beyond-loopback rule, path traversal in every
name that comes from outside, and secrets kept out of the logs.
"""
import asyncio
import base64
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import wave

sys.path.insert(0, os.path.dirname(__file__))
from protocol_client import BIN, AuralisServer, read_type  # noqa: E402

import websockets  # noqa: E402  (python3-websockets)

CONTROL = "ctl-0123456789abcdef"
LISTEN = "lst-fedcba9876543210"


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def write_config(lines):
    f = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)
    f.write("[server]\n" + "\n".join(lines) + "\n")
    f.close()
    return f.name


def make_web_root():
    root = tempfile.mkdtemp(prefix="auralis-web-")
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("<html>auralis</html>")
    return root


def raw(port, data, timeout=10):
    """Sends raw bytes; returns (status line, headers+body bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    got = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
            head, sep, body = got.partition(b"\r\n\r\n")
            if sep:
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v)
                if len(body) >= length:
                    break
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    return got.split(b"\r\n")[0], got


def request(port, method, target, headers=None, body=b""):
    hdrs = {"Host": "127.0.0.1:%d" % port, "Connection": "close",
            "Content-Length": str(len(body))}
    hdrs.update(headers or {})
    text = "%s %s HTTP/1.1\r\n" % (method, target)
    text += "".join("%s: %s\r\n" % kv for kv in hdrs.items()) + "\r\n"
    line, got = raw(port, text.encode() + body)
    parts = line.split(b" ")
    status = int(parts[1]) if len(parts) > 1 else 0
    return status, got.partition(b"\r\n\r\n")[2]


def upgrade(port, target="/ws", headers=None):
    key = base64.b64encode(os.urandom(16)).decode()
    hdrs = {"Host": "127.0.0.1:%d" % port, "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13"}
    hdrs.update(headers or {})
    text = "GET %s HTTP/1.1\r\n" % target + "".join("%s: %s\r\n" % kv for kv in hdrs.items())
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall((text + "\r\n").encode())
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    return s, got.split(b"\r\n")[0]


def closed_within(s, seconds):
    """True when the server closes `s` (EOF or reset) within `seconds`."""
    s.settimeout(seconds)
    try:
        while True:
            if not s.recv(4096):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def wav_bytes(seconds=0.5, rate=48000):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x10" * int(rate * seconds))
    return buf.getvalue()


class ServerCase(unittest.TestCase):
    config_lines = []
    extra_args = []

    @classmethod
    def setUpClass(cls):
        cls.web = make_web_root()
        cls.config = write_config(cls.config_lines)
        cls.srv = AuralisServer(extra_args=["--config", cls.config, "--web-root", cls.web,
                                            "--log-level", "debug", *cls.extra_args])
        cls.srv.start()
        cls.port = cls.srv.port

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        os.unlink(cls.config)


class AccessControlTokenTest(ServerCase):
    config_lines = ['control_token = "%s"' % CONTROL,
                    'allowed_origins = "https://show.example.org"']

    def test_every_rest_write_needs_the_token(self):
        writes = [("POST", "/api/v1/control", b'{"bpm":100}'),
                  ("POST", "/api/v1/recordings", b'{"format":"wav"}'),
                  ("POST", "/api/v1/recordings/abc/stop", b""),
                  ("POST", "/api/v1/presets", b'{"name":"x"}'),
                  ("POST", "/api/v1/presets/x/load", b""),
                  ("DELETE", "/api/v1/presets/x", b""),
                  ("PUT", "/api/v1/lighting/scene", b'{"scene":"calm"}'),
                  ("DELETE", "/api/v1/sources/abc", b""),
                  # Refused on its headers: a small body, so no unread bytes reset the socket.
                  ("POST", "/upload?filename=a.wav", b"RIFF")]
        for method, target, body in writes:
            for auth in [{}, {"Authorization": "Bearer wrong"},
                         {"Authorization": "Bearer " + CONTROL[:-1]}]:
                with self.subTest(method=method, target=target, auth=auth):
                    status, answer = request(self.port, method, target, auth, body)
                    self.assertEqual(status, 401)
                    self.assertEqual(json.loads(answer)["error"]["code"], "unauthorized")
        # The right token, as a header or a query parameter, gets past the check.
        status, _ = request(self.port, "POST", "/api/v1/control", {
            "Authorization": "Bearer " + CONTROL, "Content-Type": "application/json"},
            b'{"bpm":101}')
        self.assertEqual(status, 200)
        status, _ = request(self.port, "POST", "/api/v1/control?token=" + CONTROL, {},
                            b'{"bpm":102}')
        self.assertEqual(status, 200)
        status, answer = request(self.port, "DELETE", "/api/v1/sources/abc",
                                 {"Authorization": "Bearer " + CONTROL})
        self.assertEqual(status, 404)

    def test_upload_refused_before_its_body_is_read(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.sendall(("POST /upload?filename=a.wav HTTP/1.1\r\nHost: x\r\n"
                   "Content-Type: audio/wav\r\nContent-Length: 500000000\r\n\r\n").encode())
        got = s.recv(4096)
        s.close()
        self.assertIn(b" 401 ", got.split(b"\r\n")[0])

    def test_listening_stays_open_and_websocket_control_needs_the_token(self):
        status, body = request(self.port, "GET", "/api/v1/status")
        self.assertEqual(status, 200)
        self.assertEqual(request(self.port, "GET", "/")[0], 200)

        async def go():
            async with websockets.connect("ws://127.0.0.1:%d/ws" % self.port) as ws:
                await read_type(ws, "status")
                await ws.send(json.dumps({"type": "control", "reqId": 1,
                                          "params": {"intensity": 0.3}}))
                err = await read_type(ws, "error")
                self.assertEqual((err["code"], err["reqId"]), ("unauthorized", 1))
                await ws.send(json.dumps({"type": "auth", "reqId": 2, "token": "nope"}))
                err = await read_type(ws, "error")
                self.assertEqual((err["code"], err["reqId"]), ("unauthorized", 2))
                await ws.send(json.dumps({"type": "auth", "reqId": 3, "token": CONTROL}))
                ok = await read_type(ws, "authenticated")
                self.assertEqual((ok["reqId"], ok["control"]), (3, True))
                await ws.send(json.dumps({"type": "control", "reqId": 4,
                                          "params": {"intensity": 0.3}}))
                self.assertEqual((await read_type(ws, "ack"))["reqId"], 4)
            async with websockets.connect("ws://127.0.0.1:%d/ws?token=%s" %
                                          (self.port, CONTROL)) as ws:
                await ws.send(json.dumps({"type": "control", "reqId": 5,
                                          "params": {"intensity": 0.4}}))
                self.assertEqual((await read_type(ws, "ack"))["reqId"], 5)
        run(go())

    def test_origin_allow_list(self):
        own = "http://127.0.0.1:%d" % self.port
        for origin, expected in [("http://evil.example", b" 403 "), ("null", b" 403 "),
                                 ("http://127.0.0.1:1", b" 403 "), (own, b" 101 "),
                                 ("https://show.example.org", b" 101 "), (None, b" 101 ")]:
            with self.subTest(origin=origin):
                s, line = upgrade(self.port, headers={"Origin": origin} if origin else {})
                s.close()
                self.assertIn(expected, line)
        # A foreign page cannot write either, even with the token (CSRF).
        status, answer = request(self.port, "POST", "/api/v1/control", {
            "Origin": "http://evil.example", "Authorization": "Bearer " + CONTROL},
            b'{"bpm":100}')
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(answer)["error"]["code"], "forbidden")

    def test_secrets_are_never_logged(self):
        request(self.port, "GET", "/api/v1/status?token=" + CONTROL)
        request(self.port, "POST", "/api/v1/control", {"Authorization": "Bearer " + CONTROL},
                b'{"bpm":99}')
        s, _ = upgrade(self.port, "/ws?token=" + CONTROL)
        s.close()
        time.sleep(0.5)
        logs = "".join(self.srv.stdout_lines + self.srv.stderr_lines)
        self.assertNotIn(CONTROL, logs)
        self.assertNotIn(CONTROL[4:12], logs)


class AccessListenTokenTest(ServerCase):
    config_lines = ['control_token = "%s"' % CONTROL, 'listen_token = "%s"' % LISTEN]

    def test_reads_need_a_token_but_health_stays_open(self):
        for target in ["/api/v1/status", "/metrics", "/", "/api/v1/sources"]:
            with self.subTest(target=target):
                self.assertEqual(request(self.port, "GET", target)[0], 401)
                self.assertEqual(request(self.port, "GET", target,
                                         {"Authorization": "Bearer wrong"})[0], 401)
                self.assertEqual(request(self.port, "GET", target + "?token=" + LISTEN)[0], 200)
                self.assertEqual(request(self.port, "GET", target,
                                         {"Authorization": "Bearer " + CONTROL})[0], 200)
        self.assertEqual(request(self.port, "GET", "/health")[0], 200)
        # The listen token never controls.
        self.assertEqual(request(self.port, "POST", "/api/v1/control?token=" + LISTEN, {},
                                 b'{"bpm":100}')[0], 401)

    def test_a_page_opened_with_the_token_gets_a_listening_cookie(self):
        status, headers_and_body = raw(self.port, (
            "GET /?token=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % LISTEN)
            .encode())
        self.assertIn(b" 200 ", status)
        cookie = None
        for line in headers_and_body.partition(b"\r\n\r\n")[0].split(b"\r\n"):
            if line.lower().startswith(b"set-cookie:"):
                cookie = line.split(b":", 1)[1].split(b";")[0].strip().decode()
        self.assertIsNotNone(cookie)
        self.assertIn("HttpOnly", headers_and_body.decode(errors="replace"))
        self.assertEqual(request(self.port, "GET", "/index.html", {"Cookie": cookie})[0], 200)
        self.assertEqual(request(self.port, "GET", "/index.html",
                                 {"Cookie": "auralis_token=forged"})[0], 401)
        # A cookie never controls, even one holding the control token.
        self.assertEqual(request(self.port, "POST", "/api/v1/control",
                                 {"Cookie": "auralis_token=" + CONTROL}, b'{"bpm":100}')[0], 401)

        async def go():
            async with websockets.connect("ws://127.0.0.1:%d/ws" % self.port,
                                          extra_headers={"Cookie": cookie}) as ws:
                await read_type(ws, "status")
        run(go())

    def test_websocket_listens_after_auth(self):
        async def go():
            async with websockets.connect("ws://127.0.0.1:%d/ws" % self.port) as ws:
                await ws.send(json.dumps({"type": "status_request", "reqId": 1}))
                first = json.loads(await asyncio.wait_for(ws.recv(), 15))
                # Nothing (no status) before auth; the request is refused.
                self.assertEqual((first["type"], first["code"]), ("error", "unauthorized"))
                await ws.send(json.dumps({"type": "subscribe", "reqId": 2, "audio": "pcm16"}))
                self.assertEqual((await read_type(ws, "error"))["code"], "unauthorized")
                await ws.send(json.dumps({"type": "auth", "reqId": 3, "token": LISTEN}))
                ok = await read_type(ws, "authenticated")
                self.assertEqual((ok["listen"], ok["control"]), (True, False))
                await read_type(ws, "status")
                await ws.send(json.dumps({"type": "control", "reqId": 4,
                                          "params": {"bpm": 100}}))
                self.assertEqual((await read_type(ws, "error"))["code"], "unauthorized")
            async with websockets.connect("ws://127.0.0.1:%d/ws?token=%s" %
                                          (self.port, LISTEN)) as ws:
                await read_type(ws, "status")
        run(go())


class AccessLimitsTest(ServerCase):
    config_lines = ["max_connections_per_ip = 3", "limit_loopback_connections = true",
                    "header_timeout_seconds = 2", "body_timeout_seconds = 2",
                    "upload_min_bytes_per_second = 100000"]

    def wait_for_room(self):
        deadline = time.time() + 15
        while time.time() < deadline:
            status, _ = request(self.port, "GET", "/health")
            if status == 200:
                return
            time.sleep(0.2)
        self.fail("the server never had room again")

    def test_per_ip_connection_limit(self):
        self.wait_for_room()
        held = [upgrade(self.port)[0] for _ in range(3)]
        try:
            s, line = upgrade(self.port)
            s.close()
            self.assertIn(b" 503 ", line)
            status, answer = request(self.port, "GET", "/health")
            self.assertEqual(status, 503)
            self.assertEqual(json.loads(answer)["error"]["code"], "too_many_clients")
        finally:
            for s in held:
                s.close()
        self.wait_for_room()

    def test_slow_headers_are_cut_off_and_others_served(self):
        self.wait_for_room()
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        start = time.time()
        closed = False
        while time.time() - start < 15:
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            s.settimeout(0.4)
            try:
                if s.recv(4096) == b"":
                    closed = True
                    break
            except socket.timeout:
                pass
            except ConnectionResetError:
                closed = True
                break
        s.close()
        self.assertTrue(closed, "a trickled header kept its connection for 15 s")
        self.assertLess(time.time() - start, 10)
        self.assertEqual(request(self.port, "GET", "/health")[0], 200)

    def test_slow_upload_body_is_cut_off_and_nothing_kept(self):
        self.wait_for_room()
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.sendall(("POST /upload?filename=slow.wav HTTP/1.1\r\nHost: x\r\n"
                   "Content-Type: audio/wav\r\nContent-Length: 1000000\r\n\r\n").encode())
        data = wav_bytes(5)
        start, sent, closed = time.time(), 0, False
        while time.time() - start < 20:
            try:
                s.sendall(data[sent:sent + 64])  # well under 100 kB/s
                sent += 64
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            s.settimeout(0.3)
            try:
                if s.recv(4096) == b"":
                    closed = True
                    break
            except socket.timeout:
                pass
            except ConnectionResetError:
                closed = True
                break
        s.close()
        self.assertTrue(closed, "a trickled upload kept its connection for 20 s")
        status, answer = request(self.port, "GET", "/api/v1/sources")
        self.assertEqual((status, json.loads(answer)["sources"]), (200, []))
        tmp = os.path.join(self.srv.data_dir, "uploads", "tmp")
        leftovers = os.listdir(tmp) if os.path.isdir(tmp) else []
        self.assertEqual(leftovers, [])

    def test_idle_keep_alive_is_closed(self):
        self.wait_for_room()
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIn(b" 200 ", s.recv(4096))
        start = time.time()
        self.assertTrue(closed_within(s, 10))
        self.assertGreater(time.time() - start, 1.0)  # it was kept alive for a while
        s.close()


class AccessTraversalTest(ServerCase):
    config_lines = []

    def test_names_from_outside_never_reach_a_path(self):
        targets = ["/api/v1/recordings/..%2f..%2fauralis.db/audio",
                   "/api/v1/recordings/%2e%2e/audio", "/api/v1/recordings/..%252f../audio",
                   "/api/v1/recordings/%2fetc%2fpasswd/audio",
                   "/api/v1/recordings/a%00b/audio", "/api/v1/recordings/..%5c..%5cx/audio",
                   "/api/v1/sources/..%2f..%2fauralis.db", "/api/v1/sources/%2e%2e",
                   "/api/v1/sources/a%00", "/api/v1/sources/..%5cx",
                   "/api/v1/presets/..%2f..%2fetc%2fpasswd", "/api/v1/presets/%00",
                   "/api/v1/presets/..%5c..%5cx"]
        for target in targets:
            with self.subTest(target=target):
                status, body = request(self.port, "GET", target)
                self.assertIn(status, (400, 404))
                self.assertNotIn(b"root:", body)
                self.assertNotIn(b"SQLite", body)

    def test_upload_names_never_name_the_stored_file(self):
        parent = os.path.dirname(self.srv.data_dir)
        for name in ["..%2f..%2fescaped.wav", "%2Fetc%2Fescaped.wav", "..%5cescaped.wav",
                     "a%00b.wav", "....%2F%2Fescaped.wav"]:
            with self.subTest(name=name):
                status, body = request(self.port, "POST", "/upload?filename=" + name,
                                       {"Content-Type": "audio/wav"}, wav_bytes())
                self.assertIn(status, (200, 201), body)
                source = json.loads(body)["sourceId"]
                status, row = request(self.port, "GET", "/api/v1/sources/" + source)
                self.assertEqual(status, 200)
        self.assertFalse(os.path.exists(os.path.join(parent, "escaped.wav")))
        self.assertFalse(os.path.exists("/etc/escaped.wav"))
        uploads = os.path.join(self.srv.data_dir, "uploads")
        stored = [f for f in os.listdir(uploads) if os.path.isfile(os.path.join(uploads, f))]
        self.assertTrue(stored)
        for f in stored:
            self.assertRegex(f, r"^[a-z0-9-]+\.[a-z0-9]+$")
            self.assertNotIn("escaped", f)


class AccessBindTest(unittest.TestCase):
    def serve(self, args, wait_for_listening):
        data = tempfile.mkdtemp(prefix="auralis-test-")
        proc = subprocess.Popen([BIN, "serve", "--port", "0", "--data-dir", data, *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", data]))
        self.addCleanup(self.stop, proc)
        if not wait_for_listening:
            out, err = proc.communicate(timeout=60)
            return proc.returncode, out + err, None
        port = None
        deadline = time.time() + 60
        while time.time() < deadline and port is None:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("listening: http://0.0.0.0:"):
                port = int(line.split(":")[3].split("/")[0])
        return None, "", port

    @staticmethod
    def stop(proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pipe in (proc.stdout, proc.stderr):
            pipe.close()

    def test_beyond_loopback_without_a_token_refuses_to_start(self):
        rc, out, _ = self.serve(["--bind", "0.0.0.0"], False)
        self.assertEqual(rc, 2, out)
        self.assertIn("server.control_token", out)

    def test_protect_listening_without_a_token_refuses_to_start(self):
        rc, out, _ = self.serve(["--config", self.config(["protect_listening = true"])], False)
        self.assertEqual(rc, 2, out)
        self.assertIn("server.protect_listening", out)

    def config(self, lines):
        path = write_config(lines)
        self.addCleanup(os.unlink, path)
        return path

    def test_beyond_loopback_with_a_token_requires_it(self):
        _, _, port = self.serve(["--bind", "0.0.0.0", "--control-token", CONTROL], True)
        self.assertIsNotNone(port)
        self.assertEqual(request(port, "POST", "/api/v1/control", {}, b'{"bpm":100}')[0], 401)
        self.assertEqual(request(port, "POST", "/api/v1/control",
                                 {"Authorization": "Bearer " + CONTROL}, b'{"bpm":100}')[0], 200)
        self.assertEqual(request(port, "GET", "/api/v1/status")[0], 200)


if __name__ == "__main__":
    unittest.main()
