"""Integration test: the Icecast source against a real Debian icecast2 on loopback.

Starts icecast2 (as `nobody` when run as root: icecast2 refuses to run as root
without <changeowner>), starts `auralis serve` with icecast.url pointed at it,
reads the mount as a listener and checks the bytes are valid Ogg/Opus (page
CRCs, OpusHead/OpusTags, increasing granules, packets libopus decodes); then kills
and restarts icecast2 and checks the source comes back (reconnect counted) with
a new logical stream.
"""
import ctypes
import ctypes.util
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")
ICECAST = shutil.which("icecast2")
PASSWORD = "auralis-test-pw"
MOUNT = "/auralis.opus"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ogg_crc_table():
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


CRC_TABLE = ogg_crc_table()


def ogg_crc(data):
    crc = 0
    for b in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ CRC_TABLE[((crc >> 24) ^ b) & 0xFF]
    return crc


def parse_ogg(data):
    """Pages from the first capture pattern on: dicts with serial, granule, flags,
    crc_ok and the packets completed on the page. A trailing partial page is ignored."""
    pos = data.find(b"OggS")
    pages = []
    partial = b""
    while pos >= 0 and pos + 27 <= len(data):
        h = data[pos:pos + 27]
        if h[:4] != b"OggS":
            raise AssertionError("lost page sync at byte %d" % pos)
        nseg = h[26]
        lacing = data[pos + 27:pos + 27 + nseg]
        total = 27 + nseg + sum(lacing)
        if pos + total > len(data) or len(lacing) < nseg:
            break
        page = data[pos:pos + total]
        stored = int.from_bytes(page[22:26], "little")
        crc_ok = ogg_crc(page[:22] + b"\0\0\0\0" + page[26:]) == stored
        body = page[27 + nseg:]
        packets, off = [], 0
        for lv in lacing:
            partial += body[off:off + lv]
            off += lv
            if lv < 255:
                packets.append(partial)
                partial = b""
        pages.append({"flags": h[5], "granule": int.from_bytes(h[6:14], "little", signed=True),
                      "serial": int.from_bytes(h[14:18], "little"), "crc_ok": crc_ok,
                      "packets": packets})
        pos += total
    return pages


class Opus:
    def __init__(self):
        name = ctypes.util.find_library("opus") or "libopus.so.0"
        self.lib = ctypes.CDLL(name)
        self.lib.opus_decoder_create.restype = ctypes.c_void_p
        self.lib.opus_decoder_create.argtypes = [ctypes.c_int32, ctypes.c_int,
                                                 ctypes.POINTER(ctypes.c_int)]
        self.lib.opus_decode.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32,
                                         ctypes.POINTER(ctypes.c_int16), ctypes.c_int, ctypes.c_int]
        self.lib.opus_decoder_destroy.argtypes = [ctypes.c_void_p]
        err = ctypes.c_int(0)
        self.dec = self.lib.opus_decoder_create(48000, 2, ctypes.byref(err))
        assert err.value == 0 and self.dec
        self.pcm = (ctypes.c_int16 * (5760 * 2))()

    def decode(self, packet):
        return self.lib.opus_decode(self.dec, packet, len(packet), self.pcm, 5760, 0)

    def close(self):
        self.lib.opus_decoder_destroy(self.dec)


ICECAST_XML = """<icecast>
  <location>loopback</location><admin>test@localhost</admin>
  <limits><clients>50</clients><sources>2</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout><burst-on-connect>1</burst-on-connect>
    <burst-size>65535</burst-size></limits>
  <authentication><source-password>{password}</source-password>
    <admin-user>admin</admin-user><admin-password>{password}-admin</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths><basedir>{dir}</basedir><logdir>{dir}/log</logdir><webroot>{dir}/web</webroot>
    <adminroot>{dir}/web</adminroot><pidfile>{dir}/icecast.pid</pidfile></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog>
    <loglevel>3</loglevel></logging>
  <security><chroot>0</chroot></security>
</icecast>
"""


@unittest.skipIf(ICECAST is None, "icecast2 is not installed (scripts/deps.sh)")
class IcecastSource(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="auralis-icecast-")
        for sub in ("log", "web", "data"):
            os.makedirs(os.path.join(self.tmp, sub))
        # icecast2 runs as `nobody` below when we are root; it must write its logs.
        for path in (self.tmp, os.path.join(self.tmp, "log"), os.path.join(self.tmp, "web")):
            os.chmod(path, 0o777)
        self.ice_port = free_port()
        self.xml = os.path.join(self.tmp, "icecast.xml")
        with open(self.xml, "w") as f:
            f.write(ICECAST_XML.format(password=PASSWORD, port=self.ice_port, dir=self.tmp))
        os.chmod(self.xml, 0o644)
        self.icecast = None
        self.server = None
        self.start_icecast()

    def tearDown(self):
        for p in (self.server, self.icecast):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(timeout=30)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start_icecast(self):
        cmd = [ICECAST, "-c", self.xml]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + cmd
        log = open(os.path.join(self.tmp, "icecast.out"), "ab")
        self.icecast = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.assertIsNone(self.icecast.poll(), "icecast2 exited: " + self.icecast_log())
            try:
                socket.create_connection(("127.0.0.1", self.ice_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.fail("icecast2 did not listen: " + self.icecast_log())

    def icecast_log(self):
        text = ""
        for name in ("icecast.out", "log/error.log"):
            path = os.path.join(self.tmp, name)
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    text += f.read()[-3000:]
        return text

    def start_server(self):
        config = os.path.join(self.tmp, "auralis.toml")
        with open(config, "w") as f:
            f.write('[icecast]\nurl = "http://127.0.0.1:%d%s"\npassword = "%s"\nname = "Auralis test"\n'
                    % (self.ice_port, MOUNT, PASSWORD))
        self.out_path = os.path.join(self.tmp, "server.out")
        out = open(self.out_path, "w")
        err = open(os.path.join(self.tmp, "server.err"), "w")
        self.server = subprocess.Popen(
            [BIN, "--config", config, "serve", "--port", "0", "--data-dir",
             os.path.join(self.tmp, "data")], stdout=out, stderr=err)
        out.close()
        err.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.assertIsNone(self.server.poll(), "auralis exited: " + self.server_err())
            with open(self.out_path) as f:
                m = re.search(r"listening: http://127\.0\.0\.1:(\d+)/", f.read())
            if m:
                self.port = int(m.group(1))
                return
            time.sleep(0.1)
        self.fail("auralis did not start: " + self.server_err())

    def server_err(self):
        with open(os.path.join(self.tmp, "server.err"), errors="replace") as f:
            return f.read()[-3000:]

    def metric(self, name):
        text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.port,
                                      timeout=10).read().decode()
        m = re.search(r"^%s(?:\{[^}]*\})? (\S+)$" % re.escape(name), text, re.M)
        return float(m.group(1)) if m else None

    def wait_metric(self, name, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.metric(name)
            if value is not None and predicate(value):
                return value
            time.sleep(0.25)
        self.fail("%s stayed at %r; icecast log: %s; server: %s"
                  % (name, value, self.icecast_log(), self.server_err()))

    def listen(self, seconds):
        """Reads the mount as a listener for `seconds`; returns the bytes."""
        url = "http://127.0.0.1:%d%s" % (self.ice_port, MOUNT)
        deadline = time.monotonic() + 30
        while True:
            try:
                resp = urllib.request.urlopen(url, timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
        self.assertIn("ogg", resp.headers.get("Content-Type", ""))
        data = b""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(4096)
            if not chunk:
                break
            data += chunk
        resp.close()
        return data

    def check_ogg_opus(self, data, min_seconds):
        pages = parse_ogg(data)
        self.assertGreater(len(pages), 5, "too few Ogg pages")
        self.assertTrue(all(p["crc_ok"] for p in pages), "an Ogg page has a bad CRC")
        serials = {p["serial"] for p in pages}
        self.assertEqual(len(serials), 1, "one logical stream per listener session")
        self.assertTrue(pages[0]["flags"] & 0x02, "first page must be beginning-of-stream")
        head = pages[0]["packets"][0]
        self.assertEqual(head[:8], b"OpusHead")
        self.assertEqual(head[9], 2)  # channels
        self.assertEqual(int.from_bytes(head[12:16], "little"), 48000)
        self.assertEqual(pages[1]["packets"][0][:8], b"OpusTags")
        opus = Opus()
        try:
            last = -1
            decoded = 0
            for p in pages[2:]:
                for pkt in p["packets"]:
                    n = opus.decode(pkt)
                    self.assertGreater(n, 0, "libopus refused a packet")
                    decoded += n
                if p["granule"] != -1:
                    self.assertGreater(p["granule"], last, "granule positions must increase")
                    last = p["granule"]
        finally:
            opus.close()
        self.assertGreaterEqual(decoded / 48000.0, min_seconds)
        return pages[0]["serial"]

    def test_stream_reaches_listeners_and_survives_icecast_restart(self):
        self.start_server()
        self.wait_metric("auralis_icecast_connected", lambda v: v == 1)
        first = self.check_ogg_opus(self.listen(4), 2.0)
        self.assertGreater(self.metric("auralis_icecast_bytes_sent_total"), 10000)
        self.assertEqual(self.metric("auralis_icecast_reconnects_total"), 0)

        self.icecast.send_signal(signal.SIGKILL)
        self.icecast.wait(timeout=30)
        self.wait_metric("auralis_icecast_connected", lambda v: v == 0)
        time.sleep(1.0)  # a few refused attempts while it is down
        self.start_icecast()
        self.wait_metric("auralis_icecast_reconnects_total", lambda v: v >= 1)
        self.wait_metric("auralis_icecast_connected", lambda v: v == 1)
        second = self.check_ogg_opus(self.listen(4), 2.0)
        self.assertNotEqual(first, second, "a reconnect starts a new logical stream")
        self.assertGreaterEqual(self.metric("auralis_icecast_connect_failures_total"), 1)
        self.assertIsNone(self.server.poll(), "auralis must keep running")


if __name__ == "__main__":
    unittest.main()
