"""Integration tests of POST /upload and /api/v1/sources against the real server.

Media files are made in the test with sox and Debian's ffmpeg CLI; the server is
started with a small uploads.max_bytes so the size limits are cheap to reach.
"""
import http.client
import json
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

from fault_support import Server

LIMIT = 4 * 1024 * 1024  # uploads.max_bytes for these tests


def make(*cmd):
    subprocess.run(list(cmd), check=True, capture_output=True, timeout=120)


class Uploads(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data = os.path.join(self.tmp.name, "data")
        # Its own OSC port, Art-Net port, event ring and socket: tests run in parallel.
        self.server = Server(self.data, env={"AURALIS_UPLOADS_MAX_BYTES": str(LIMIT)})
        self.port = self.server.port

    def tearDown(self):
        # A server that died mid-test (a sanitizer's abort, a crash) is the failure
        # to report, whatever the test's own assertion said; its log says why.
        died = self.server.proc.poll()
        log = self.server.stderr()
        self.server.kill()
        self.tmp.cleanup()
        if died is not None:
            self.fail("the server exited (%s) during the test:\n%s" % (died, log[-4000:]))
        result = self._outcome.result
        if any(test is self for test, _ in result.failures + result.errors):
            sys.stderr.write("--- server log (last 4000 characters) ---\n%s\n" % log[-4000:])

    # -- helpers ---------------------------------------------------------
    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def tone(self, name, freq, seconds=2, rate=44100, channels=2):
        p = self.path(name)
        make("sox", "-n", "-r", str(rate), "-c", str(channels), "-b", "16", p,
             "synth", str(seconds), "sine", str(freq), "gain", "-12")
        return p

    def request(self, method, target, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return r.status, (json.loads(data) if data else None)
        finally:
            conn.close()

    def upload_raw(self, path, name=None, ctype="application/octet-stream"):
        with open(path, "rb") as f:
            body = f.read()
        target = "/upload?filename=" + (name or os.path.basename(path))
        return self.request("POST", target, body, {"Content-Type": ctype})

    def upload_multipart(self, path, name=None):
        boundary = "auralis-" + uuid.uuid4().hex
        with open(path, "rb") as f:
            content = f.read()
        body = (("--%s\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
                 "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n")
                % (boundary, boundary, name or os.path.basename(path))).encode()
        body += content + ("\r\n--%s--\r\n" % boundary).encode()
        return self.request("POST", "/upload", body,
                            {"Content-Type": "multipart/form-data; boundary=" + boundary})

    def sources(self):
        status, body = self.request("GET", "/api/v1/sources")
        self.assertEqual(status, 200)
        return body["sources"]

    def tmp_files(self):
        d = os.path.join(self.data, "uploads", "tmp")
        return os.listdir(d) if os.path.isdir(d) else []

    def assert_error(self, status, body, expected_statuses):
        self.assertIn(status, expected_statuses, body)
        self.assertIsInstance(body["error"]["code"], str)
        self.assertTrue(body["error"]["message"])

    def raw_socket(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        return s

    def read_status(self, s, timeout=30):
        s.settimeout(timeout)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        m = re.match(rb"HTTP/1\.1 (\d+)", data)
        self.assertIsNotNone(m, data[:200])
        return int(m.group(1))

    # -- tests -----------------------------------------------------------
    def test_raw_upload_is_decoded_measured_and_registered(self):
        wav = self.tone("tone a.wav", 440, seconds=2)
        status, body = self.upload_raw(wav, name="tone%20a.wav")
        self.assertEqual(status, 201, body)
        self.assertFalse(body["duplicate"])
        sid = body["sourceId"]
        self.assertEqual(body["name"], "tone a.wav")
        self.assertEqual(body["sampleRate"], 44100)
        self.assertEqual(body["channels"], 2)
        self.assertAlmostEqual(body["durationSeconds"], 2.0, delta=0.05)
        # A -12 dBFS sine in both channels: roughly -12 LUFS (BS.1770 sums the channels).
        self.assertAlmostEqual(body["loudnessLufs"], -12.0, delta=2.0)
        self.assertTrue(os.path.isfile(os.path.join(self.data, "uploads", sid + ".wav")))
        status, one = self.request("GET", "/api/v1/sources/" + sid)
        self.assertEqual(status, 200)
        self.assertEqual(one["sha256"], body["sha256"])
        self.assertEqual([s["sourceId"] for s in self.sources()], [sid])
        self.assertEqual(self.tmp_files(), [])

    def test_multipart_upload_and_duplicate(self):
        wav = self.tone("b.wav", 660)
        status, first = self.upload_multipart(wav, name="first.wav")
        self.assertEqual(status, 201, first)
        self.assertEqual(first["name"], "first.wav")
        # The same bytes again, raw this time: the existing source, nothing new stored.
        status, again = self.upload_raw(wav, name="second.wav")
        self.assertIn(status, (200, 201), again)
        self.assertTrue(again["duplicate"])
        self.assertEqual(again["sourceId"], first["sourceId"])
        status, third = self.upload_multipart(wav)
        self.assertTrue(third["duplicate"])
        self.assertEqual(len(self.sources()), 1)
        stored = [f for f in os.listdir(os.path.join(self.data, "uploads")) if f != "tmp"]
        self.assertEqual(len(stored), 1, stored)
        self.assertEqual(self.tmp_files(), [])

    def test_video_with_and_without_audio(self):
        with_audio = self.path("with.mp4")
        without = self.path("without.mp4")
        make("ffmpeg", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=15",
             "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000", "-t", "2",
             "-c:v", "mpeg4", "-c:a", "aac", "-shortest", with_audio)
        make("ffmpeg", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=15",
             "-t", "2", "-c:v", "mpeg4", without)
        status, body = self.upload_raw(with_audio, ctype="video/mp4")
        self.assertEqual(status, 201, body)
        self.assertTrue(body["hasVideo"])
        self.assertEqual(body["sampleRate"], 48000)
        self.assertAlmostEqual(body["durationSeconds"], 2.0, delta=0.2)
        status, body = self.upload_raw(without, ctype="video/mp4")
        self.assert_error(status, body, (422,))
        self.assertIn("no audio", body["error"]["message"])
        self.assertEqual(len(self.sources()), 1)
        self.assertEqual(self.tmp_files(), [])

    def test_corrupt_and_empty_uploads_are_refused(self):
        junk = self.path("junk.wav")
        with open(junk, "wb") as f:
            f.write(b"RIFF\x00\x00\x00\x00WAVEthis is not a real wave file" * 200)
        status, body = self.upload_raw(junk)
        self.assert_error(status, body, (415, 422))
        status, body = self.request("POST", "/upload?filename=empty.wav", b"",
                                    {"Content-Type": "application/octet-stream"})
        self.assert_error(status, body, (400,))
        # A multipart body whose file field is empty is empty too.
        status, body = self.request(
            "POST", "/upload",
            b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.wav\"\r\n\r\n"
            b"\r\n--x--\r\n", {"Content-Type": "multipart/form-data; boundary=x"})
        self.assert_error(status, body, (400,))
        self.assertEqual(self.sources(), [])
        self.assertEqual(self.tmp_files(), [])

    def test_oversize_declared_length_is_refused_before_the_body(self):
        s = self.raw_socket()
        try:
            s.sendall(("POST /upload?filename=big.wav HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/octet-stream\r\n"
                       "Content-Length: %d\r\n\r\n" % (LIMIT + 1)).encode())
            # Not one byte of the body sent: the answer must come anyway.
            self.assertEqual(self.read_status(s), 413)
        finally:
            s.close()
        self.assertEqual(self.tmp_files(), [])

    def test_oversize_chunked_body_is_cut_off_midway(self):
        s = self.raw_socket()
        sent = 0
        try:
            s.sendall(b"POST /upload?filename=big.raw HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/octet-stream\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n")
            piece = os.urandom(64 * 1024)
            chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
            s.settimeout(10)
            try:
                while sent < 4 * LIMIT:
                    readable, _, _ = select.select([s], [], [], 0)
                    if readable:
                        break
                    s.sendall(chunk)
                    sent += len(piece)
            except (BrokenPipeError, ConnectionResetError, socket.timeout):
                pass
            self.assertLess(sent, 4 * LIMIT, "the server never stopped the body")
            self.assertEqual(self.read_status(s), 413)
        finally:
            s.close()
        deadline = time.time() + 20
        while self.tmp_files() and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.tmp_files(), [])
        self.assertEqual(self.sources(), [])

    def test_client_aborting_midway_leaves_no_row_and_no_temp_file(self):
        s = self.raw_socket()
        try:
            s.sendall(("POST /upload?filename=part.wav HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/octet-stream\r\n"
                       "Content-Length: %d\r\n\r\n" % (3 * 1024 * 1024)).encode())
            s.sendall(os.urandom(1024 * 1024))
            # The partial upload is on disk while it streams.
            deadline = time.time() + 20
            while not self.tmp_files() and time.time() < deadline:
                time.sleep(0.05)
            self.assertTrue(self.tmp_files(), "the upload was not streamed to a temp file")
        finally:
            s.close()
        deadline = time.time() + 20
        while self.tmp_files() and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.tmp_files(), [])
        self.assertEqual(self.sources(), [])
        # The server is still fine.
        status, body = self.upload_raw(self.tone("after.wav", 220, seconds=1))
        self.assertEqual(status, 201, body)

    def test_delete_removes_row_and_file(self):
        status, body = self.upload_raw(self.tone("d.wav", 880, seconds=1))
        self.assertEqual(status, 201, body)
        sid = body["sourceId"]
        stored = os.path.join(self.data, "uploads", sid + ".wav")
        self.assertTrue(os.path.isfile(stored))
        status, body = self.request("DELETE", "/api/v1/sources/" + sid)
        self.assertEqual(status, 200, body)
        self.assertFalse(os.path.exists(stored))
        status, body = self.request("GET", "/api/v1/sources/" + sid)
        self.assert_error(status, body, (404,))
        status, body = self.request("DELETE", "/api/v1/sources/" + sid)
        self.assert_error(status, body, (404,))
        self.assertEqual(self.sources(), [])


if __name__ == "__main__":
    unittest.main()
