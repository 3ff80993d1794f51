"""The site served on loopback for the tests and the load test: gunicorn on a free port, and
several gunicorn replicas behind nginx run with the project's own config (deploy/nginx-ftz.conf).

Every process is started in a session of its own and stopped, with its workers, by
``stop``; ``replicas_behind_nginx`` stops everything it started when its block ends.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")  # Debian's package; .ci/run installs it
SITE_CONFIG = PROJECT / "deploy" / "nginx-ftz.conf"
START_TIMEOUT = 120.0  # seconds for a server to answer its first request (a big index opens slowly)
REQUEST_TIMEOUT = 15.0

# nginx's own files in the run folder, so that nothing of the machine's nginx is touched.
# proxy_max_temp_file_size 0: a large answer is passed on as it comes, never written to a
# temporary file (the workers, run as nobody when the test is root, cannot enter pytest's
# private temporary folders).
_MAIN_CONFIG = """\
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log notice;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log {run}/access.log;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    proxy_max_temp_file_size 0;
    include {run}/ftz.conf;
}}
"""


def need_nginx() -> None:
    """Skip the calling test without nginx, or fail it when CI is set (.ci/run installs it)."""
    import pytest

    if NGINX.exists() and os.access(NGINX, os.X_OK):
        return
    reason = f"{NGINX} is missing (apt-get install nginx)"
    if os.environ.get("CI"):
        pytest.fail(reason + "; CI is set, so the tests through nginx may not be skipped",
                    pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    """GET `path` from the site on the loopback `port`: its status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _replace_once(pattern: str, replacement: str, text: str) -> str:
    new, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if count != 1:
        raise ValueError(f"{SITE_CONFIG}: expected one {pattern!r}, found {count}")
    return new


def site_config(port: int, replica_ports: list[int], rate: int | None = None,
                burst: int | None = None) -> str:
    """deploy/nginx-ftz.conf listening on 127.0.0.1:port, balancing the given replicas, with
    its per-client rate and burst unless others are given (the load test lifts them)."""
    text = SITE_CONFIG.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n"
                      for p in replica_ports)
    text = _replace_once(r"^(?:    server \S+ max_fails=1 fail_timeout=5s;\n)+", servers, text)
    text = _replace_once(r"^    listen 80;$", f"    listen 127.0.0.1:{port};", text)
    if rate is not None:
        text = _replace_once(r"rate=\d+r/s", f"rate={rate}r/s", text)
    if burst is not None:
        text = _replace_once(r"burst=\d+", f"burst={burst}", text)
    return text


def start_gunicorn(port: int, index: Path, measures: Path, workers: int, log: Path) -> subprocess.Popen:
    """The production line of the README (``gunicorn 'webapp:create_app()'``), on loopback."""
    env = {**os.environ, "FTZ_MEASURES_DIR": str(measures), "FTZ_INDEX_DIR": str(index)}
    with open(log, "ab") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--timeout", "60", "--graceful-timeout", "5", "webapp:create_app()"],
            env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
            cwd=PROJECT)


def start_nginx(run: Path, port: int, replica_ports: list[int], rate: int | None = None,
                burst: int | None = None) -> subprocess.Popen:
    """nginx in the foreground (no daemon), its config, pid, logs and temporary files in `run`."""
    run.mkdir(parents=True, exist_ok=True)
    (run / "ftz.conf").write_text(site_config(port, replica_ports, rate, burst), encoding="utf-8")
    (run / "nginx.conf").write_text(_MAIN_CONFIG.format(run=run), encoding="utf-8")
    with open(run / "stdout.log", "ab") as log_file:
        return subprocess.Popen(
            [str(NGINX), "-p", str(run), "-e", str(run / "error.log"), "-c", str(run / "nginx.conf")],
            stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_serving(port: int, server: subprocess.Popen, log: Path,
                       path: str = "/api/search?q=oil") -> None:
    give_up = time.monotonic() + START_TIMEOUT
    while time.monotonic() < give_up:
        if server.poll() is not None:
            raise RuntimeError(f"{server.args[0]} exited with {server.returncode}:\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port} within {START_TIMEOUT:.0f} s")


def stop(server: subprocess.Popen) -> None:
    """Stop a server and its workers (its own session), gracefully, then by force."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    except ProcessLookupError:
        server.wait(timeout=10)


@dataclass
class Site:
    port: int  # nginx
    replica_ports: list[int]
    index: Path
    measures: Path
    replicas: list[subprocess.Popen] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    run: Path | None = None


@contextmanager
def replicas_behind_nginx(index: Path, measures: Path, work: Path, replicas: int = 2,
                          workers: int = 1, rate: int | None = None, burst: int | None = None):
    """`replicas` gunicorn servers of one index folder behind nginx; yields the Site."""
    site = Site(port=free_port(), replica_ports=[free_port() for _ in range(replicas)],
                index=index, measures=measures, run=work / "nginx")
    try:
        for number, port in enumerate(site.replica_ports):
            site.replicas.append(start_gunicorn(port, index, measures, workers,
                                                work / f"replica-{number}.log"))
        for number, (port, server) in enumerate(zip(site.replica_ports, site.replicas)):
            wait_until_serving(port, server, work / f"replica-{number}.log")
        site.nginx = start_nginx(site.run, site.port, site.replica_ports, rate, burst)
        wait_until_serving(site.port, site.nginx, site.run / "error.log", "/api/zones")
        yield site
    finally:
        for server in [site.nginx, *site.replicas]:
            if server is not None:
                stop(server)
