"""The server as clients see it: the real `auralis serve` on loopback, real clients.

Every WebSocket message type and error code of CONTRACT.md, the close codes, REST, static
files, the audio stream (AUR1 headers, Opus decoded with libopus against PCM16 loudness),
resume, many listeners beside one that never reads, and a real Prometheus scraping /metrics.
Every JSON message the server sends is held against its own /api/v1/schema.
"""
import asyncio
import base64
import ctypes
import ctypes.util
import http.client
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from protocol_client import (AUR1_HEADER, AuralisServer, CODEC_OPUS, CODEC_PCM16,  # noqa: E402
                             parse_frame, read_frames, read_type)

import jsonschema  # noqa: E402  (python3-jsonschema)
import numpy as np  # noqa: E402  (python3-numpy)
import websockets  # noqa: E402  (python3-websockets)

CONTRACT_METRICS = [
    "auralis_audio_callback_seconds_bucket", "auralis_audio_deadline_misses_total",
    "auralis_audio_underruns_total", "auralis_tap_drops_total", "auralis_ws_clients",
    "auralis_ws_dropped_clients_total", "auralis_stream_skips_total",
    "auralis_osc_malformed_total", "auralis_dmx_frame_interval_seconds_bucket",
    "process_resident_memory_bytes", "auralis_client_underruns_total",
    "auralis_client_buffer_seconds_bucket", "auralis_client_tier",
]


def run(coro):
    return asyncio.run(coro)


class ServerCase(unittest.TestCase):
    """One server per test; every JSON message received goes to self.seen and is
    validated against the server's schema in tearDown."""
    server_args = []

    def setUp(self):
        self.srv = AuralisServer(self.server_args).start()
        status, self.schema = self.srv.get_json("/api/v1/schema")
        self.assertEqual(status, 200)
        self.seen = []

    def tearDown(self):
        try:
            self.check_contract(self.seen)
        finally:
            self.srv.stop()

    def check_contract(self, messages):
        validator = jsonschema.Draft202012Validator(
            {"$ref": "#/$defs/serverMessage", "$defs": self.schema["$defs"]})
        for msg in messages:
            errors = list(validator.iter_errors(msg))
            self.assertFalse(errors, "message breaks the schema: %s\n%s" % (
                json.dumps(msg)[:400], [e.message for e in errors][:3]))

    async def connect(self, query=""):
        ws = await websockets.connect(self.srv.ws_url + query, max_size=None)
        status = await read_type(ws, "status", sink=self.seen)
        return ws, status

    async def ask(self, ws, msg, reply_type):
        await ws.send(json.dumps(msg) if not isinstance(msg, str) else msg)
        return await read_type(ws, reply_type, sink=self.seen)


# ---------------------------------------------------------------------------
class Messages(ServerCase):
    def test_status_on_connect_status_request_and_ping(self):
        async def go():
            ws, status = await self.connect()
            self.assertEqual(status["params"]["key"], "D minor")
            self.assertIn("bpm", status["params"])
            self.assertEqual(status["engine"]["sampleRate"], 48000)
            self.assertRegex(status["version"], r"^\d+\.\d+\.\d+")
            self.assertEqual(sorted(status["stream"]["codecs"]), ["opus", "pcm16"])
            self.assertEqual(status["stream"]["sampleRate"], 48000)
            reply = await self.ask(ws, {"type": "status_request", "reqId": "s-1"}, "status")
            self.assertEqual(reply["reqId"], "s-1")
            self.assertEqual(reply["server"]["clients"], 1)
            p1 = await self.ask(ws, {"type": "ping", "reqId": 42}, "pong")
            await asyncio.sleep(0.5)
            p2 = await self.ask(ws, {"type": "ping", "reqId": 43.5}, "pong")
            self.assertEqual((p1["reqId"], p2["reqId"]), (42, 43.5))
            self.assertLess(abs(p1["serverTime"] - time.time()), 60)  # wall clock, seconds
            self.assertEqual(p1["sampleRate"], 48000)
            elapsed = p2["serverTime"] - p1["serverTime"]
            advanced = (p2["samplePosition"] - p1["samplePosition"]) / 48000.0
            self.assertGreater(advanced, 0.2)
            self.assertLess(abs(advanced - elapsed), 0.25)  # the sample clock runs in real time
            await ws.close()
        run(go())

    def test_control_ack_and_status_broadcast_to_a_second_client(self):
        async def go():
            a, _ = await self.connect()
            b, _ = await self.connect()
            ack = await self.ask(a, {"type": "control", "reqId": "c1", "params": {
                "bpm": 120, "key": "F# dorian", "intensity": 0.25,
                "agents": {"bass": {"enabled": False, "level": 0.5}}}}, "ack")
            self.assertEqual(ack["reqId"], "c1")
            applied = ack["applied"]
            self.assertEqual(applied["bpm"], 120)
            self.assertEqual(applied["mode"], "dorian")
            self.assertEqual(applied["intensity"], 0.25)
            self.assertFalse(applied["agents"]["bass"]["enabled"])
            seen = await read_type(b, "status", sink=self.seen)
            self.assertEqual(seen["params"]["bpm"], 120)
            self.assertEqual(seen["params"]["agents"]["bass"]["level"], 0.5)
            status, body = self.srv.get_json("/api/v1/control")
            self.assertEqual(body["params"]["bpm"], 120)
            await a.close()
            await b.close()
        run(go())

    def test_every_error_code_echoes_reqid_and_keeps_the_connection(self):
        cases = [
            ("{", None, "bad_json", None),
            ('[1,2]', None, "bad_json", None),
            ('{"type":"dance","reqId":5}', 5, "unknown_type", "type"),
            ('{"reqId":"x"}', "x", "unknown_type", "type"),
            ('{"type":"control","reqId":"s","params":{"bpm":"fast"}}', "s", "invalid_param", "bpm"),
            ('{"type":"control","reqId":1,"params":{"bpm":null}}', 1, "invalid_param", "bpm"),
            ('{"type":"control","reqId":2,"params":{"bpm":true}}', 2, "invalid_param", "bpm"),
            ('{"type":"control","reqId":3,"params":{"bpm":[90]}}', 3, "invalid_param", "bpm"),
            ('{"type":"control","reqId":4,"params":{"bpm":201}}', 4, "invalid_param", "bpm"),
            ('{"type":"control","reqId":6,"params":{"bpm":NaN}}', 6, "invalid_param", "bpm"),
            ('{"type":"control","reqId":7,"params":{"bpm":Infinity}}', 7, "invalid_param", "bpm"),
            ('{"type":"control","reqId":8,"params":{"bpm":1e309}}', 8, "invalid_param", "bpm"),
            ('{"type":"control","reqId":9,"params":{"intensity":-1e309}}', 9, "invalid_param",
             "intensity"),
            ('{"type":"control","reqId":10,"params":{"key":"H minor"}}', 10, "invalid_param", "key"),
            ('{"type":"control","reqId":11,"params":{"tempo":90}}', 11, "unknown_param", "tempo"),
            ('{"type":"control","reqId":12,"params":{"agents":{"tuba":{}}}}', 12, "unknown_param",
             "agents.tuba"),
            ('{"type":"subscribe","reqId":13,"audio":"mp3"}', 13, "invalid_param", "audio"),
            ('{"type":"subscribe","reqId":14,"telemetry":["gossip"]}', 14, "invalid_param",
             "telemetry"),
            ('{"type":"client_report","reqId":15,"tier":"x"}', 15, "invalid_param", "tier"),
            ('{"type":"ping","reqId":{"a":1}}', None, "invalid_param", "reqId"),
        ]

        async def go():
            ws, _ = await self.connect()
            before = self.srv.get_json("/api/v1/control")[1]["params"]
            for text, req_id, code, field in cases:
                with self.subTest(text=text):
                    err = await self.ask(ws, text, "error")
                    self.assertEqual(err["code"], code)
                    self.assertTrue(err["message"])
                    if req_id is None:
                        self.assertNotIn("reqId", err)
                    else:
                        self.assertEqual(err["reqId"], req_id)
                        self.assertEqual(type(err["reqId"]), type(req_id))
                    if field is not None:
                        self.assertEqual(err["field"], field)
            await ws.send(b"\x01\x02")  # binary from a client: bad_json, connection stays
            self.assertEqual((await read_type(ws, "error", sink=self.seen))["code"], "bad_json")
            self.assertEqual((await self.ask(ws, {"type": "ping", "reqId": "alive"}, "pong"))
                             ["reqId"], "alive")
            after = self.srv.get_json("/api/v1/control")[1]["params"]
            self.assertEqual(before, after)  # nothing refused was applied
            await ws.close()
        run(go())

    def test_rate_limited_beyond_the_burst(self):
        async def go():
            ws, _ = await self.connect()
            for i in range(120):
                await ws.send(json.dumps({"type": "control", "reqId": i,
                                          "params": {"intensity": 0.5}}))
            acks, limited = 0, []
            while acks + len(limited) < 120:
                raw = await asyncio.wait_for(ws.recv(), 20)
                if isinstance(raw, bytes):
                    continue
                msg = json.loads(raw)
                self.seen.append(msg)
                if msg["type"] == "ack":
                    acks += 1
                elif msg["type"] == "error":
                    self.assertEqual(msg["code"], "rate_limited")
                    limited.append(msg["reqId"])
            self.assertGreaterEqual(acks, 40)  # the burst
            self.assertGreater(len(limited), 0)
            self.assertEqual((await self.ask(ws, {"type": "ping"}, "pong"))["type"], "pong")
            await ws.close()
        run(go())

    def test_client_report_room_and_their_metrics(self):
        async def go():
            ws, _ = await self.connect()
            sub = await self.ask(ws, {"type": "subscribe", "reqId": 1, "room": "kitchen"},
                                 "subscribed")
            self.assertEqual(sub["room"], "kitchen")
            report = {"type": "client_report", "reqId": "r", "tier": "defensive", "pinned": True,
                      "bufferMs": 420.0, "jitterMs": 12.5, "underruns": 3, "latencyMs": 600,
                      "codec": "opus"}
            ack = await self.ask(ws, report, "ack")
            self.assertEqual(ack["reqId"], "r")
            report.update(underruns=7, reqId="r2")
            await self.ask(ws, report, "ack")
            del report["reqId"]
            await ws.send(json.dumps(report))  # no reqId: no reply
            st = await self.ask(ws, {"type": "status_request"}, "status")
            self.assertEqual(st["rooms"], {"kitchen": 1})
            _, _, text = self.srv.http("GET", "/metrics")
            text = text.decode()
            self.assertIn("auralis_client_underruns_total 7", text)
            self.assertIn('auralis_client_tier{tier="defensive"} 1', text)
            self.assertIn("auralis_client_buffer_seconds_count 3", text)
            self.assertIn('auralis_client_buffer_seconds_bucket{le="0.5"} 3', text)
            await ws.close()
        run(go())


class Token(ServerCase):
    server_args = ["--control-token", "sekrit"]

    def test_unauthorized_without_the_token_over_websocket_and_rest(self):
        async def go():
            ws, _ = await self.connect()
            err = await self.ask(ws, {"type": "control", "reqId": "t",
                                      "params": {"bpm": 100}}, "error")
            self.assertEqual((err["code"], err["reqId"]), ("unauthorized", "t"))
            self.assertEqual((await self.ask(ws, {"type": "ping"}, "pong"))["type"], "pong")
            ok, _ = await self.connect("?token=sekrit")
            ack = await self.ask(ok, {"type": "control", "reqId": 1, "params": {"bpm": 100}},
                                 "ack")
            self.assertEqual(ack["applied"]["bpm"], 100)
            await ws.close()
            await ok.close()
        run(go())
        status, _, body = self.srv.http("POST", "/api/v1/control", '{"bpm":110}')
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body)["error"]["code"], "unauthorized")
        status, _, body = self.srv.http("POST", "/api/v1/control", '{"bpm":110}',
                                        {"Authorization": "Bearer sekrit"})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["applied"]["bpm"], 110)


class Limits(ServerCase):
    server_args = ["--max-clients", "2"]

    def test_too_many_clients_is_http_503_with_a_clear_body(self):
        async def go():
            a, _ = await self.connect()
            b, _ = await self.connect()
            with self.assertRaises(websockets.exceptions.InvalidStatusCode) as cm:
                await websockets.connect(self.srv.ws_url)
            self.assertEqual(cm.exception.status_code, 503)
            s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
            s.sendall(upgrade_request())
            head, body = read_http_response(s)
            s.close()
            self.assertIn(b" 503 ", head.split(b"\r\n")[0])
            err = json.loads(body)["error"]
            self.assertEqual(err["code"], "too_many_clients")
            self.assertIn("maximum of 2", err["message"])
            await a.close()
            await b.close()
            # Room again once a client left.
            for _ in range(50):
                if self.srv.metric("auralis_ws_clients") == 0:
                    break
                await asyncio.sleep(0.1)
            c, _ = await self.connect()
            await c.close()
            self.assertGreaterEqual(self.srv.metric("auralis_ws_rejected_clients_total"), 2)
        run(go())


# ---------------------------------------------------------------------------
# Raw WebSocket frames, for what a well-behaved client library refuses to send.

def upgrade_request(path="/ws"):
    key = base64.b64encode(os.urandom(16)).decode()
    return ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, key)).encode()


def read_http_response(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(rest) < length:
        chunk = s.recv(4096)
        if not chunk:
            break
        rest += chunk
    return head, rest


def ws_frame(opcode, payload, masked=True):
    first = bytes([0x80 | opcode])
    n = len(payload)
    mask_bit = 0x80 if masked else 0
    if n < 126:
        length = bytes([mask_bit | n])
    elif n < 65536:
        length = bytes([mask_bit | 126]) + struct.pack(">H", n)
    else:
        length = bytes([mask_bit | 127]) + struct.pack(">Q", n)
    if not masked:
        return first + length + payload
    key = os.urandom(4)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return first + length + key + body


def raw_ws(port, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(20)
    s.connect(("127.0.0.1", port))
    s.sendall(upgrade_request())
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(1)  # byte by byte: leave the first frame in the socket
    assert b" 101 " in data.split(b"\r\n")[0], data
    return s


def read_close_code(s, timeout=20):
    """Reads server frames until a close frame; its code (None if the socket just ended)."""
    s.settimeout(timeout)
    buf = b""

    def need(n):
        nonlocal buf
        while len(buf) < n:
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError
            buf += chunk

    try:
        while True:
            need(2)
            opcode, n = buf[0] & 0x0F, buf[1] & 0x7F
            off = 2
            if n == 126:
                need(4)
                n, off = struct.unpack(">H", buf[2:4])[0], 4
            elif n == 127:
                need(10)
                n, off = struct.unpack(">Q", buf[2:10])[0], 10
            need(off + n)
            payload, buf = buf[off:off + n], buf[off + n:]
            if opcode == 8:
                return struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None
    except (EOFError, ConnectionResetError, socket.timeout):
        return None


class CloseCodes(ServerCase):
    def test_1009_for_a_text_message_over_64_kib(self):
        async def go():
            ws, _ = await self.connect()
            await ws.send(json.dumps({"type": "ping", "pad": "x" * (70 * 1024)}))
            with self.assertRaises(websockets.exceptions.ConnectionClosed) as cm:
                await read_type(ws, "pong", sink=self.seen)
            self.assertEqual(cm.exception.rcvd.code, 1009)
        run(go())

    def test_1002_for_an_unmasked_client_frame(self):
        s = raw_ws(self.srv.port)
        s.sendall(ws_frame(1, b'{"type":"ping"}', masked=False))
        self.assertEqual(read_close_code(s), 1002)
        s.close()

    def test_1007_for_invalid_utf8_in_a_text_frame(self):
        s = raw_ws(self.srv.port)
        s.sendall(ws_frame(1, b'{"type":"ping","x":"\xff\xfe"}'))
        self.assertEqual(read_close_code(s), 1007)
        s.close()

    def test_1001_on_server_shutdown(self):
        async def go():
            ws, _ = await self.connect()
            loop = asyncio.get_running_loop()
            stopping = loop.run_in_executor(None, self.srv.stop)
            with self.assertRaises(websockets.exceptions.ConnectionClosed) as cm:
                while True:
                    await asyncio.wait_for(ws.recv(), 20)
            self.assertEqual(cm.exception.rcvd.code, 1001)
            return await stopping
        rc = run(go())
        self.assertEqual(rc, 0)


# ---------------------------------------------------------------------------
class Rest(ServerCase):
    def test_health_status_schema_control_and_methods(self):
        status, health = self.srv.get_json("/health")
        self.assertEqual((status, health["status"]), (200, "ok"))
        status, st = self.srv.get_json("/api/v1/status")
        self.assertEqual(st["type"], "status")
        self.check_contract([st])
        self.assertIn("serverMessage", self.schema["$defs"])
        self.assertIn("clientMessage", self.schema["$defs"])
        code, _, body = self.srv.http("POST", "/api/v1/control", '{"bpm":100,"intensity":0.3}')
        self.assertEqual(code, 200)
        self.assertEqual(json.loads(body)["applied"]["bpm"], 100)
        for text, want, field in [('{"bpm":1e309}', "invalid_param", "bpm"),
                                  ('{"bpm":"x"}', "invalid_param", "bpm"),
                                  ('{"tempo":1}', "unknown_param", "tempo"),
                                  ("{", "bad_json", None)]:
            with self.subTest(body=text):
                code, _, body = self.srv.http("POST", "/api/v1/control", text)
                self.assertEqual(code, 400)
                err = json.loads(body)["error"]
                self.assertEqual(err["code"], want)
                if field:
                    self.assertEqual(err["field"], field)
        self.assertEqual(self.srv.get_json("/api/v1/control")[1]["params"]["bpm"], 100)
        code, headers, _ = self.srv.http("PUT", "/api/v1/control", "{}")
        self.assertEqual(code, 405)
        self.assertIn("POST", headers["Allow"])
        code, _, body = self.srv.http("GET", "/api/v1/metrics")
        self.assertEqual(code, 200)
        self.assertIn("auralis_ws_clients", json.loads(body))

    def test_every_contract_metric_is_exported_and_promtool_accepts_them(self):
        _, headers, body = self.srv.http("GET", "/metrics")
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        text = body.decode()
        for name in CONTRACT_METRICS:
            self.assertRegex(text, r"(?m)^%s[ {]" % name)
        if shutil.which("promtool") is None:
            self.skipTest("promtool not installed (Debian package prometheus)")
        r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_static_files_never_escape_the_web_root(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        conn.request("GET", "/")
        r = conn.getresponse()
        body = r.read()
        self.assertEqual(r.status, 200)
        self.assertTrue(r.getheader("Content-Type").startswith("text/html"))
        self.assertEqual(r.getheader("Accept-Ranges"), "bytes")
        conn.request("GET", "/", headers={"Range": "bytes=0-9"})
        r = conn.getresponse()
        self.assertEqual((r.status, r.read()), (206, body[:10]))
        self.assertEqual(r.getheader("Content-Range"), "bytes 0-9/%d" % len(body))
        conn.request("GET", "/", headers={"Range": "bytes=%d-" % (len(body) + 5)})
        r = conn.getresponse()
        r.read()
        self.assertEqual(r.status, 416)
        for target in ["/../../../../etc/passwd", "/..%2f..%2f..%2f..%2fetc%2fpasswd",
                       "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%252e%252e/%252e%252e/etc/passwd",
                       "/..%252f..%252fetc%252fpasswd", "/index.html%00.js", "/%00",
                       "//etc/passwd", "/%2fetc%2fpasswd", "/..\\..\\..\\etc\\passwd",
                       "/..%5c..%5cetc%5cpasswd", "http://127.0.0.1/../../etc/passwd",
                       "/../CMakeLists.txt", "/..%2fCMakeLists.txt"]:
            with self.subTest(target=target):
                s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
                s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % target)
                          .encode())
                head, body = read_http_response(s)
                s.close()
                line = head.split(b"\r\n")[0]
                self.assertTrue(b" 404 " in line or b" 400 " in line, line)
                self.assertNotIn(b"root:", body)
                self.assertNotIn(b"project(", body)


# ---------------------------------------------------------------------------
def lufs(interleaved_int16, rate=48000, channels=2):
    """Integrated loudness (EBU R128) with libebur128 through ctypes."""
    lib = ctypes.CDLL(ctypes.util.find_library("ebur128") or "libebur128.so.1")
    lib.ebur128_init.restype = ctypes.c_void_p
    lib.ebur128_init.argtypes = [ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
    lib.ebur128_add_frames_short.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    lib.ebur128_loudness_global.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_double)]
    lib.ebur128_destroy.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    mode_i = (1 << 2) | (1 << 0)
    st = ctypes.c_void_p(lib.ebur128_init(channels, rate, mode_i))
    data = np.ascontiguousarray(interleaved_int16, dtype=np.int16)
    lib.ebur128_add_frames_short(st, data.ctypes.data, len(data) // channels)
    out = ctypes.c_double()
    lib.ebur128_loudness_global(st, ctypes.byref(out))
    lib.ebur128_destroy(ctypes.byref(st))
    return out.value


class OpusDecoder:
    def __init__(self, rate=48000, channels=2):
        self.lib = ctypes.CDLL(ctypes.util.find_library("opus") or "libopus.so.0")
        self.lib.opus_decoder_create.restype = ctypes.c_void_p
        self.lib.opus_decoder_create.argtypes = [ctypes.c_int32, ctypes.c_int,
                                                 ctypes.POINTER(ctypes.c_int)]
        self.lib.opus_decode.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32,
                                         ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        self.lib.opus_decoder_destroy.argtypes = [ctypes.c_void_p]
        err = ctypes.c_int()
        self.dec = self.lib.opus_decoder_create(rate, channels, ctypes.byref(err))
        assert err.value == 0 and self.dec
        self.channels = channels
        self.buf = np.zeros(5760 * channels, dtype=np.int16)

    def decode(self, packet):
        n = self.lib.opus_decode(self.dec, packet, len(packet), self.buf.ctypes.data, 5760, 0)
        assert n > 0, "opus_decode failed: %d" % n
        return self.buf[:n * self.channels].copy()

    def close(self):
        self.lib.opus_decoder_destroy(self.dec)


class Stream(ServerCase):
    def check_headers(self, frames, codec, frame_len, payload_len=None):
        for f in frames:
            self.assertEqual((f["codec"], f["rate"], f["channels"], f["reserved"]),
                             (codec, 48000, 2, 0))
            if payload_len is not None:
                self.assertEqual(f["length"], payload_len)
        for a, b in zip(frames, frames[1:]):
            self.assertEqual(b["sequence"], a["sequence"] + 1)
            self.assertEqual(b["position"], a["position"] + frame_len)

    def test_pcm16_and_opus_headers_and_opus_loudness_matches_pcm16(self):
        async def go():
            pcm_ws, _ = await self.connect()
            opus_ws, _ = await self.connect()
            s1 = await self.ask(pcm_ws, {"type": "subscribe", "audio": "pcm16", "reqId": 1},
                                "subscribed")
            s2 = await self.ask(opus_ws, {"type": "subscribe", "audio": "opus", "reqId": 2},
                                "subscribed")
            self.assertEqual((s1["audio"], s1["resume"], s2["audio"]), ("pcm16", "none", "opus"))
            # ~12 s of both streams, read concurrently.
            pcm, opus = await asyncio.gather(read_frames(pcm_ws, 120, 60, self.seen),
                                             read_frames(opus_ws, 600, 60, self.seen))
            await pcm_ws.close()
            await opus_ws.close()
            return pcm, opus
        pcm, opus = run(go())
        self.check_headers(pcm, CODEC_PCM16, 4800, 4800 * 2 * 2)
        self.check_headers(opus, CODEC_OPUS, 960)
        self.assertTrue(all(0 < f["length"] <= 1275 for f in opus))
        # Both streams over the same span of the engine's sample clock.
        dec = OpusDecoder()
        opus_pcm = np.concatenate([dec.decode(f["payload"]) for f in opus])
        dec.close()
        opus_start = opus[0]["position"]
        pcm_all = np.frombuffer(b"".join(f["payload"] for f in pcm), dtype="<i2")
        pcm_start = pcm[0]["position"]
        start = max(opus_start, pcm_start) + 4800  # skip the decoder's first 100 ms
        end = min(opus_start + len(opus_pcm) // 2, pcm_start + len(pcm_all) // 2)
        self.assertGreater(end - start, 48000 * 5, "less than 5 s of overlap")
        a = pcm_all[2 * (start - pcm_start):2 * (end - pcm_start)]
        b = opus_pcm[2 * (start - opus_start):2 * (end - opus_start)]
        la, lb = lufs(a), lufs(b)
        self.assertGreater(la, -60, "the stream is silent")
        self.assertLess(abs(la - lb), 1.0, "PCM16 %.2f LUFS vs Opus %.2f LUFS" % (la, lb))

    def test_resume_inside_the_window_and_live_outside_it(self):
        async def go():
            ws, _ = await self.connect()
            await self.ask(ws, {"type": "subscribe", "audio": "opus"}, "subscribed")
            frames = await read_frames(ws, 50, 30, self.seen)
            last = frames[-1]["sequence"]
            await ws.close()
            await asyncio.sleep(1.0)  # ~50 frames are produced meanwhile
            ws, _ = await self.connect()
            sub = await self.ask(ws, {"type": "subscribe", "audio": "opus", "resume": last},
                                 "subscribed")
            self.assertEqual(sub["resume"], "resumed")
            self.assertEqual(sub["firstSequence"], last + 1)
            again = await read_frames(ws, 100, 30, self.seen)
            self.assertEqual(again[0]["sequence"], last + 1)
            self.check_headers(again, CODEC_OPUS, 960)
            # A sequence from the future, and one long gone: both join live.
            sub = await self.ask(ws, {"type": "subscribe", "audio": "opus",
                                      "resume": last + 10 ** 9}, "subscribed")
            self.assertEqual(sub["resume"], "live")
            window = self.srv.get_json("/api/v1/status")[1]["stream"]["resumeWindowSeconds"]
            deadline = time.time() + window + 30
            while time.time() < deadline:
                live = (await read_frames(ws, 1, 30, self.seen))[0]["sequence"]
                if live > 1 + (window + 2) * 50:
                    break
            sub = await self.ask(ws, {"type": "subscribe", "audio": "opus", "resume": 1},
                                 "subscribed")
            self.assertEqual(sub["resume"], "live")
            first = (await read_frames(ws, 1, 30, self.seen))[0]["sequence"]
            self.assertGreater(first, 2 + window * 50)
            await ws.close()
        run(go())

    def test_bytes_and_frames_sent_rise_while_a_listener_plays(self):
        def figures():
            return (self.srv.metric("auralis_ws_bytes_sent_total"),
                    self.srv.metric("auralis_ws_frames_sent_total", '{codec="opus"}'),
                    self.srv.metric("auralis_ws_frames_sent_total", '{codec="pcm16"}'),
                    self.srv.metric("auralis_stream_encode_seconds_count", '{codec="opus"}'))

        async def go():
            ws, _ = await self.connect()
            await self.ask(ws, {"type": "subscribe", "audio": "opus"}, "subscribed")
            first = await read_frames(ws, 10, 30, self.seen)
            before = figures()
            more = await read_frames(ws, 100, 60, self.seen)  # ~2 s of audio
            after = figures()
            await ws.close()
            return before, after, first + more
        before, after, got = run(go())
        self.assertNotIn(None, before + after, "a send metric is missing")
        # Every frame the client has read was written, and counted, before it
        # arrived (allow the last write's completion handler a moment's race).
        self.assertGreaterEqual(after[1], len(got) - 2)
        self.assertGreater(after[1], before[1])
        # Bytes: the frames' payloads plus the JSON messages (status, subscribed).
        wire = sum(32 + f["length"] for f in got)
        self.assertGreaterEqual(after[0], wire - 2 * 1300)
        self.assertGreater(after[0] - before[0], 32 * 50)
        self.assertEqual(after[2], 0.0, "no PCM16 listener, yet PCM16 frames were counted")
        # The stream encodes every chunk, listened to or not.
        self.assertGreaterEqual(after[3] - before[3], 20)
        _, _, text = self.srv.http("GET", "/metrics")
        self.assertIn('auralis_stream_encode_seconds_bucket{codec="opus",le="+Inf"}', text.decode())

    def test_batched_listener_gets_several_consecutive_frames_per_message(self):
        def walk(data):
            frames, at = [], 0
            while at < len(data):
                head = AUR1_HEADER.unpack_from(data, at)
                end = at + AUR1_HEADER.size + head[7]
                self.assertLessEqual(end, len(data), "a frame runs past its message")
                frames.append(parse_frame(data[at:end]))
                at = end
            return frames

        async def go():
            ws, _ = await self.connect()
            err = await self.ask(ws, {"type": "subscribe", "audio": "opus", "batchMs": 1001,
                                      "reqId": "b"}, "error")
            self.assertEqual((err["code"], err["field"], err["reqId"]),
                             ("invalid_param", "batchMs", "b"))
            sub = await self.ask(ws, {"type": "subscribe", "audio": "opus", "batchMs": 100},
                                 "subscribed")
            self.assertEqual((sub["audio"], sub["batchMs"]), ("opus", 100))
            messages, end = [], time.time() + 60
            while len(messages) < 30 and time.time() < end:
                raw = await asyncio.wait_for(ws.recv(), 20)
                if isinstance(raw, bytes):
                    messages.append(walk(raw))
                else:
                    self.seen.append(json.loads(raw))
            # The reply gives the batch in force: whole 20 ms frames, at most the
            # 8-frame send queue.
            sub = await self.ask(ws, {"type": "subscribe", "batchMs": 1000}, "subscribed")
            self.assertEqual(sub["batchMs"], 160)
            sub = await self.ask(ws, {"type": "subscribe", "batchMs": 110}, "subscribed")
            self.assertEqual(sub["batchMs"], 120)
            # Back to one frame per message on the same stream.
            sub = await self.ask(ws, {"type": "subscribe", "batchMs": 0}, "subscribed")
            self.assertEqual(sub["batchMs"], 0)
            await ws.close()
            return messages
        messages = run(go())
        self.assertEqual(len(messages), 30)
        sizes = [len(m) for m in messages]
        # 100 ms of 20 ms Opus frames: five per message, once the first (which may
        # hold what had already arrived) is out.
        self.assertGreaterEqual(sum(1 for n in sizes[1:] if n == 5), len(sizes[1:]) * 0.8, sizes)
        frames = [f for m in messages for f in m]
        self.check_headers(frames, CODEC_OPUS, 960)  # consecutive across messages too

    def test_fifty_listeners_for_30_s_beside_a_client_that_never_reads(self):
        misses_before = self.srv.metric("auralis_audio_deadline_misses_total")
        dropped_before = self.srv.metric("auralis_ws_dropped_clients_total")
        duration = 30.0

        async def listener(i, results):
            ws = await websockets.connect(self.srv.ws_url, max_size=None)
            await ws.send(json.dumps({"type": "subscribe", "audio": "opus"}))
            seqs, end = [], asyncio.get_running_loop().time() + duration
            while asyncio.get_running_loop().time() < end:
                raw = await asyncio.wait_for(ws.recv(), 20)
                if isinstance(raw, bytes):
                    seqs.append(parse_frame(raw)["sequence"])
                else:
                    self.seen.append(json.loads(raw))
            await ws.close()
            results[i] = seqs

        async def go():
            # The never-reader: a tiny receive window and PCM16, so its buffers fill fast.
            blocked = raw_ws(self.srv.port, rcvbuf=4096)
            blocked.sendall(ws_frame(1, b'{"type":"subscribe","audio":"pcm16"}'))
            subscribed_at = time.time()
            results = {}
            await asyncio.gather(*(listener(i, results) for i in range(50)))
            dropped_at = None
            while time.time() < subscribed_at + 60:
                if self.srv.metric("auralis_ws_dropped_clients_total") > dropped_before:
                    dropped_at = time.time()
                    break
                await asyncio.sleep(0.5)
            blocked.close()
            return results, dropped_at, subscribed_at

        results, dropped_at, subscribed_at = run(go())
        self.assertEqual(len(results), 50)
        for i, seqs in results.items():
            self.assertGreater(len(seqs), int(duration * 50 * 0.8), "listener %d starved" % i)
            gaps = [(a, b) for a, b in zip(seqs, seqs[1:]) if b != a + 1]
            self.assertEqual(gaps, [], "listener %d saw gaps" % i)
        self.assertIsNotNone(dropped_at, "the client that never reads was never dropped")
        # Dropped within the stalled-write limit (15 s) plus slack for filling the buffers.
        self.assertLess(dropped_at - subscribed_at, 45)
        self.assertEqual(self.srv.metric("auralis_audio_deadline_misses_total"), misses_before)


# ---------------------------------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Prometheus(ServerCase):
    def test_a_real_prometheus_scrapes_and_answers_queries(self):
        if shutil.which("prometheus") is None:
            self.skipTest("prometheus not installed (Debian package prometheus)")
        tmp = tempfile.mkdtemp(prefix="auralis-prom-")
        port = free_port()
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: auralis\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % self.srv.port)
        prom = subprocess.Popen(
            ["prometheus", "--config.file=" + os.path.join(tmp, "prometheus.yml"),
             "--storage.tsdb.path=" + os.path.join(tmp, "data"),
             "--web.listen-address=127.0.0.1:%d" % port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def query(q):
            url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (port, urllib.parse.quote(q))
            with urllib.request.urlopen(url, timeout=5) as r:
                body = json.loads(r.read())
            self.assertEqual(body["status"], "success")
            return body["data"]["result"]

        async def go():
            clients = [(await self.connect())[0] for _ in range(3)]
            value = None
            deadline = time.time() + 90
            while time.time() < deadline:
                try:
                    up = query('up{job="auralis"}')
                    res = query("auralis_ws_clients")
                    if up and up[0]["value"][1] == "1" and res and res[0]["value"][1] == "3":
                        value = res
                        break
                except (OSError, ValueError):
                    pass  # not listening yet
                await asyncio.sleep(1)
            for ws in clients:
                await ws.close()
            return value

        try:
            result = run(go())
            self.assertIsNotNone(result, "prometheus never saw auralis_ws_clients = 3")
            self.assertEqual(result[0]["metric"]["job"], "auralis")
            misses = query("auralis_audio_deadline_misses_total")
            self.assertEqual(len(misses), 1)
            self.assertGreaterEqual(float(misses[0]["value"][1]), 0)
            blocks = query("auralis_audio_blocks_total")
            self.assertGreater(float(blocks[0]["value"][1]), 0)
            taps = query("auralis_tap_drops_total")
            self.assertTrue(all("tap" in r["metric"] for r in taps) and taps)
            rss = query("process_resident_memory_bytes")
            self.assertGreater(float(rss[0]["value"][1]), 1e6)
        finally:
            prom.terminate()
            try:
                prom.wait(timeout=20)
            except subprocess.TimeoutExpired:
                prom.kill()
                prom.wait()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
