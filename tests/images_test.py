#!/usr/bin/python3
"""The container images (deploy/images.sh): built with podman FROM scratch, holding only what
their program opens, run as the non-root user, and working.

No container runtime runs on this machine, so the test builds the six images into a podman store
of its own, reads each image's configuration and files, and then runs each program from a copy of
its image's files under chroot, as the image's user with the image's environment:
  - each service applies its schema's migrations to a fresh database (--migrate_only);
  - the gateway serves a page and its metrics.
A library the program loads but the image lacks, a file it opens that is missing, or a wrong user
fails here as it would in a cluster.

Needs root (podman's store, chroot) and MOBILITY_TEST_DATABASE_URL, as deploy/test.sh gives.
"""
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGISTRY = "registry.example.kz/mobility-office"
USER = 65532
LIBRARY_DIRS = ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib", "/lib"]
PROGRAMS = {"agreements": "agreements_server", "applications": "applications_server",
            "grants": "grants_server", "inquiries": "inquiries_server", "ewp": "ewp_server",
            "gateway": "gateway"}
SERVED = {"gateway": "/usr/share/mobility-office/web/", "ewp": "/usr/share/mobility-office/ewp-specs/"}


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


def elf_needs(path):
    """The interpreter and the DT_NEEDED names of an ELF file, or None if it is not one."""
    with open(path, "rb") as f:
        if f.read(4) != b"\x7fELF":
            return None
    needs = []
    for line in run("readelf", "-d", "-l", "-W", path).splitlines():
        if "(NEEDED)" in line:
            needs.append(line.split("[", 1)[1].rstrip("]"))
        elif "Requesting program interpreter:" in line:
            needs.append(line.split(":", 1)[1].strip().rstrip("]"))
    return needs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, attempts=50):
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered at {url}")


class ImagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="mobility-images.", dir="/var/tmp")
        cls.podman = ["podman", "--root", f"{cls.work}/store", "--runroot", f"{cls.work}/run",
                      "--storage-driver", "vfs"]
        env = dict(os.environ, PODMAN_OPTIONS=" ".join(cls.podman[1:]))
        built = run(f"{PROJECT}/deploy/images.sh", env=env).split()
        assert built == [f"{REGISTRY}/{p}:1.0.0" for p in PROGRAMS], built
        cls.roots, cls.configs = {}, {}
        for program in PROGRAMS:
            image = f"{REGISTRY}/{program}:1.0.0"
            cls.configs[program] = json.loads(run(*cls.podman, "image", "inspect", image))[0]["Config"]
            cls.roots[program] = run(*cls.podman, "image", "mount", image).strip()

    @classmethod
    def tearDownClass(cls):
        subprocess.run(cls.podman + ["image", "unmount", "--all"], capture_output=True)
        subprocess.run(cls.podman + ["system", "reset", "--force"], capture_output=True)
        shutil.rmtree(cls.work, ignore_errors=True)

    def files(self, program):
        root = self.roots[program]
        out = {}
        for directory, dirs, names in os.walk(root):
            for name in dirs + names:
                path = os.path.join(directory, name)
                out["/" + os.path.relpath(path, root)] = os.lstat(path)
        return out

    def test_each_runs_as_the_non_root_user_of_its_own_passwd(self):
        for program, binary in PROGRAMS.items():
            with self.subTest(program):
                config = self.configs[program]
                self.assertEqual(config["User"], f"{USER}:{USER}")
                self.assertEqual(config["Entrypoint"], [f"/usr/local/bin/{binary}"])
                with open(self.roots[program] + "/etc/passwd") as f:
                    self.assertEqual(f.read(), f"nonroot:x:{USER}:{USER}:nonroot:/nonexistent:/sbin/nologin\n")

    def test_no_file_is_writable_by_its_user_or_raises_privileges(self):
        for program in PROGRAMS:
            for path, st in self.files(program).items():
                with self.subTest(program=program, path=path):
                    self.assertEqual(st.st_uid, 0)
                    self.assertFalse(st.st_mode & (stat.S_ISUID | stat.S_ISGID))
                    if path != "/tmp":  # The image's only writable place, sticky as /tmp is.
                        self.assertFalse(st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))

    def test_each_holds_its_program_what_it_loads_and_nothing_else(self):
        for program, binary in PROGRAMS.items():
            with self.subTest(program):
                root = self.roots[program]
                files = {p for p, st in self.files(program).items() if not stat.S_ISDIR(st.st_mode)}
                # Walk the libraries from the program, as the loader would.
                needed, loaded, queue = set(), set(), [f"/usr/local/bin/{binary}"]
                interpreter = None
                while queue:
                    path = queue.pop()
                    if path in loaded:
                        continue
                    loaded.add(path)
                    for need in elf_needs(root + path):
                        if need.startswith("/"):
                            interpreter = need
                        # libc names the loader by its soname: the one already loaded.
                        found = need if need.startswith("/") else interpreter if (
                            interpreter and need == os.path.basename(interpreter)) else next(
                            (f"{d}/{need}" for d in LIBRARY_DIRS if f"{d}/{need}" in files), None)
                        self.assertIsNotNone(found, f"{path} needs {need}, which is not in the image")
                        self.assertIn(found, files)
                        needed.add(found)
                        queue.append(found)
                uses_tls = any("libcurl" in p for p in needed)
                expected_other = {"/etc/passwd", "/etc/group"}
                if uses_tls:
                    expected_other.add("/etc/ssl/certs/ca-certificates.crt")
                rest = files - loaded
                self.assertTrue({"/usr/share/zoneinfo/Asia/Almaty", "/usr/share/zoneinfo/UTC"} <= rest)
                served = SERVED.get(program)
                unexpected = sorted(p for p in rest - expected_other
                                    if not p.startswith("/usr/share/zoneinfo/")
                                    and not (served and p.startswith(served)))
                self.assertEqual(unexpected, [], "files no one opens")
                self.assertEqual(expected_other - rest, set())
                if served:
                    self.assertTrue(any(p.startswith(served) for p in rest), f"nothing under {served}")
                # No ELF file the program does not load (a stray tool or a second copy).
                stray = sorted(p for p in rest if elf_needs(root + p) is not None)
                self.assertEqual(stray, [])
        self.assertTrue(any("libcurl" in p for p in self.files("inquiries")))

    def chroot(self, program, args, log):
        """Starts PROGRAM from a copy of its image's files, as the image would run it."""
        root = f"{self.work}/{program}-root"
        if not os.path.exists(root):
            shutil.copytree(self.roots[program], root, symlinks=True)
            os.makedirs(f"{root}/keys")
            run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", f"{self.work}/jwt.pem")
            run("openssl", "pkey", "-in", f"{self.work}/jwt.pem", "-pubout", "-out", f"{root}/keys/jwt-public.pem")
        config = self.configs[program]
        env = dict(e.split("=", 1) for e in config.get("Env") or [])
        env.setdefault("PATH", "/usr/local/bin")
        user = config["User"]
        return subprocess.Popen(["chroot", f"--userspec={user}", root] + config["Entrypoint"] + args,
                                env=env, stdout=log, stderr=subprocess.STDOUT)

    def test_each_service_migrates_its_schema_from_its_image(self):
        database = f"images_test_{os.getpid()}"
        maintenance = os.environ["MOBILITY_TEST_DATABASE_URL"]
        run("psql", maintenance, "-qc", f"CREATE DATABASE {database}")
        try:
            url = maintenance.rsplit("/", 1)[0] + "/" + database
            for program in ["agreements", "applications", "grants", "inquiries", "ewp"]:
                with self.subTest(program), tempfile.TemporaryFile("w+") as log:
                    process = self.chroot(program, ["--migrate_only", f"--database_url={url}",
                                                    "--jwt_public_key_file=/keys/jwt-public.pem"], log)
                    code = process.wait(timeout=60)
                    log.seek(0)
                    output = log.read()
                    self.assertEqual(code, 0, output)
                    self.assertIn('"event":"migrated"', output)
                    tables = run("psql", url, "-Atc",
                                 f"SELECT count(*) FROM pg_tables WHERE schemaname = '{program}'")
                    self.assertGreater(int(tables), 0)
        finally:
            run("psql", maintenance, "-qc", f"DROP DATABASE {database} WITH (FORCE)")

    def test_the_gateway_serves_its_pages_and_metrics_from_its_image(self):
        port, metrics = free_port(), free_port()
        with tempfile.TemporaryFile("w+") as log:
            process = self.chroot("gateway", [f"--listen=127.0.0.1:{port}",
                                              f"--metrics_listen=127.0.0.1:{metrics}"], log)
            try:
                status, page = get(f"http://127.0.0.1:{port}/")
                self.assertEqual(status, 200)
                self.assertIn("<html", page)
                status, scrape = get(f"http://127.0.0.1:{metrics}/metrics")
                self.assertEqual(status, 200)
                self.assertIn('mobility_http_requests_total{route="static",method="GET",code="200"} 1', scrape)
            finally:
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("images_test: needs root (podman's store and chroot)", file=sys.stderr)
        sys.exit(77)
    unittest.main(verbosity=2)
