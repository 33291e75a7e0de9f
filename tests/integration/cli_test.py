"""Integration tests: the real `auralis` binary, started the way a user starts it.

Run by ctest (tests/integration/CMakeLists.txt) with TEST_AURALIS_BIN pointing at the
built binary; each test method is its own ctest test.
"""
import json
import os
import re
import urllib.request
import signal
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("TEST_AURALIS_BIN", "build/src/app/auralis")


def run(*args, env=None, timeout=120):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def read_banner(p, seconds=20):
    """What `serve` printed up to its "playing:" line (or until it stopped)."""
    out = ""
    deadline = time.time() + seconds
    while time.time() < deadline and "playing:" not in out:
        line = p.stdout.readline()
        if not line:
            break
        out += line
    return out


class Cli(unittest.TestCase):
    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^auralis \d+\.\d+\.\d+")

    def test_help_lists_every_command(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for cmd in ("serve", "render", "devices", "config"):
            self.assertIn(cmd, r.stdout)

    def test_bad_flag_is_exit_2_with_message(self):
        r = run("serve", "--no-such-flag")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--no-such-flag", r.stderr + r.stdout)

    def test_out_of_range_flag_names_key_and_range(self):
        r = run("render", "--seconds", "1", "--out", "/tmp/x.wav", "--block", "4096")
        self.assertEqual(r.returncode, 2)
        self.assertIn("audio.block", r.stderr)
        self.assertIn("[32, 1024]", r.stderr)

    def test_bad_key_is_refused_with_what_is_accepted(self):
        r = run("render", "--seconds", "1", "--out", "/tmp/x.wav", "--key", "H minor")
        self.assertEqual(r.returncode, 2)
        self.assertIn("dorian", r.stderr)

    def test_unknown_config_key_in_file_and_env(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write("[audio]\nbackend = \"clock\"\nbogus = 3\n")
        r = run("--config", f.name, "render", "--seconds", "1", "--out", "/tmp/x.wav")
        self.assertEqual(r.returncode, 2)
        self.assertIn("audio.bogus", r.stderr)
        r = run("render", "--seconds", "1", "--out", "/tmp/x.wav", env={"AURALIS_MUSIC_BPM": "999"})
        self.assertEqual(r.returncode, 2)
        self.assertIn("AURALIS_MUSIC_BPM", r.stderr)

    def test_devices_lists_backends(self):
        r = run("devices")
        self.assertEqual(r.returncode, 0)
        self.assertIn("clock", r.stdout)
        self.assertIn("jack", r.stdout)


class Render(unittest.TestCase):
    def render(self, path, *extra):
        r = run("render", "--seconds", "4", "--out", path, *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(path, "rb") as f:
            return f.read()

    def test_same_seed_bit_identical_different_seed_differs(self):
        with tempfile.TemporaryDirectory() as d:
            a = self.render(os.path.join(d, "a.wav"), "--seed", "5")
            b = self.render(os.path.join(d, "b.wav"), "--seed", "5")
            c = self.render(os.path.join(d, "c.wav"), "--seed", "6")
            self.assertEqual(a, b)
            self.assertNotEqual(a, c)
            self.assertGreater(len(a), 4 * 48000 * 2 * 4)

    def test_flac_at_44100_with_musical_flags(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.flac")
            data = self.render(path, "--rate", "44100", "--key", "F# dorian", "--bpm", "120",
                               "--intensity", "0.8", "--agents", "harmony,bass")
            self.assertEqual(data[:4], b"fLaC")


class Serve(unittest.TestCase):
    def test_serve_starts_creates_data_dir_and_stops_cleanly_on_sigterm(self):
        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "fresh", "data")
            p = subprocess.Popen([BIN, "serve", "--data-dir", data, "--port", "0",
                                  "--log-format", "json"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                lines = []
                deadline = time.time() + 20
                while time.time() < deadline:
                    line = p.stdout.readline()
                    if not line:
                        break
                    lines.append(line)
                    if line.startswith("playing:"):
                        break
                out = "".join(lines)
                self.assertIn("clock backend", out)
                self.assertIn("playing: D minor", out)
                self.assertRegex(out, r"listening: http://127\.0\.0\.1:\d+/")
                self.assertTrue(os.path.isdir(data))
                port = int(re.search(r"127\.0\.0\.1:(\d+)/", out).group(1))
                health = json.loads(urllib.request.urlopen(
                    "http://127.0.0.1:%d/health" % port, timeout=5).read())
                self.assertEqual(health["status"], "ok")
                self.assertEqual(health["backend"], "clock")
                time.sleep(1.0)
                p.send_signal(signal.SIGTERM)
                rc = p.wait(timeout=10)
                err = p.stderr.read()
                self.assertEqual(rc, 0, err)
                records = [json.loads(l) for l in err.splitlines() if l.strip()]
                self.assertTrue(any("SIGTERM" in r["msg"] for r in records), err)
                stopped = [r for r in records if r["msg"].startswith("stopped after")]
                self.assertTrue(stopped, err)
            finally:
                if p.poll() is None:
                    p.kill()

    def test_missing_jack_server_falls_back_to_clock(self):
        with tempfile.TemporaryDirectory() as d:
            env = {**os.environ, "JACK_DEFAULT_SERVER": "auralis-none-%d" % os.getpid()}
            p = subprocess.Popen([BIN, "serve", "--data-dir", d, "--port", "0", "--backend", "jack"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            try:
                out = read_banner(p)
                self.assertIn("clock backend", out)
                p.send_signal(signal.SIGINT)
                self.assertEqual(p.wait(timeout=10), 0)
                self.assertIn("JACK", p.stderr.read())
            finally:
                if p.poll() is None:
                    p.kill()

    def test_bad_server_cpus_is_exit_2_naming_the_key(self):
        with tempfile.TemporaryDirectory() as d:
            allowed = sorted(os.sched_getaffinity(0))
            for bad, why in (("x", "expected CPU numbers"),
                             (",".join(map(str, allowed)), "leave at least one"),
                             (str(allowed[-1] + 1), "may not use")):
                r = run("serve", "--data-dir", d, "--port", "0", env={"AURALIS_SERVER_CPUS": bad},
                        timeout=30)
                self.assertEqual(r.returncode, 2, (bad, r.stderr))
                self.assertIn("server.cpus", r.stderr)
                self.assertIn(why, r.stderr)

    @unittest.skipIf(len(os.sched_getaffinity(0)) < 2, "needs two CPUs")
    def test_server_cpus_keeps_network_threads_apart_and_banner_names_fan_out(self):
        cpus = sorted(os.sched_getaffinity(0))
        net = cpus[-1]
        with tempfile.TemporaryDirectory() as d:
            env = {**os.environ, "AURALIS_SERVER_CPUS": str(net)}
            p = subprocess.Popen([BIN, "serve", "--data-dir", d, "--port", "0"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            try:
                out = read_banner(p)
                self.assertRegex(out, r"listener fan-out: (io_uring|send\(\) per listener \(.+\))")
                threads = {}
                for tid in os.listdir("/proc/%d/task" % p.pid):
                    name = open("/proc/%d/task/%s/comm" % (p.pid, tid)).read().strip()
                    threads.setdefault(name, set()).update(os.sched_getaffinity(int(tid)))
                self.assertEqual(threads.get("au-net"), {net}, threads)
                for name in ("au-audio", "au-stream", "au-ensemble"):
                    self.assertIn(name, threads)
                    self.assertNotIn(net, threads[name], (name, threads[name]))
                p.send_signal(signal.SIGTERM)
                self.assertEqual(p.wait(timeout=10), 0)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
                p.stdout.close()
                p.stderr.close()

    def test_missing_jack_without_fallback_is_a_clear_error(self):
        env = {"JACK_DEFAULT_SERVER": "auralis-none-%d" % os.getpid()}
        r = run("serve", "--backend", "jack", "--fallback-to-clock", "false", "--port", "0", env=env,
                timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no JACK server", r.stderr)


if __name__ == "__main__":
    unittest.main()
