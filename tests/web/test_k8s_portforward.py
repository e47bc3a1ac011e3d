"""``kubectl port-forward`` (the real v1.32) against a sandbox (``server.web.k8s_stream`` +
``server.web.spdy``): SPDY/3.1 tunnelled over a WebSocket to a real ``python -m server`` under
eventlet. A request to the forwarded local port reaches the pod's simulated app and gets what
kubeplay's own ``curl`` from a pod gets; the app's log shows it. Plus the SPDY framing on its own."""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import pytest

from server.web import spdy
from tests.realkubectl import find_kubectl
from tests.serverproc import free_port, running_server

KUBECTL = find_kubectl()
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: these tests drive the real one")
#: how long (wall seconds) kubectl may take to say it forwards, or to print an error
WAIT = 30.0


# -- the framing ---------------------------------------------------------------------------------
def test_the_dictionary_is_spdy3s():
    d = spdy.DICTIONARY
    assert len(d) == 1423 and d[:11] == b"\x00\x00\x00\x07options" and d.endswith(b",utf-,*,enq=0.")
    # the id a zlib stream primed with it announces (the Go reader refuses any other dictionary)
    assert zlib.adler32(d) == 0xE3C6A7C2


def test_frames_round_trip_through_a_byte_stream_cut_anywhere():
    client, server = spdy.Framer(), spdy.Framer()
    frames = [
        spdy.SynStream(1, {"streamtype": ["error"], "port": ["80"], "requestid": ["0"]}),
        spdy.SynStream(3, {"streamtype": ["data"], "port": ["80"], "requestid": ["0"]}, priority=2),
        spdy.Data(1, b"", fin=True),
        spdy.Data(3, b"GET / HTTP/1.1\r\n\r\n"),
        spdy.Ping(1),
        spdy.RstStream(3, spdy.CANCEL),
        spdy.Settings([(0, 7, 65536)]),
        spdy.WindowUpdate(3, 4096),
        spdy.GoAway(3, 0),
    ]
    wire = b"".join(client.encode(f) for f in frames)
    got = []
    for i in range(0, len(wire), 5):  # 5-byte pieces: every frame arrives split
        got += server.feed(wire[i: i + 5])
    assert got == frames
    # and the other way (the server's own compression context)
    reply = server.encode(spdy.SynReply(3, {"x": ["a", "b"]}))
    assert client.feed(reply) == [spdy.SynReply(3, {"x": ["a", "b"]})]


def test_header_blocks_are_compressed_with_the_dictionary_and_one_context_per_direction():
    framer = spdy.Framer()
    headers = {"streamtype": ["data"], "port": ["8080"], "requestid": ["12"]}
    first = framer.encode(spdy.SynStream(5, headers))
    # a plain zlib reader primed with the dictionary reads the block (as Go's zlib.NewReaderDict)
    inflate = zlib.decompressobj(zdict=spdy.DICTIONARY)
    block = inflate.decompress(first[18:])
    assert block == spdy.encode_header_block(headers)
    assert struct.unpack(">I", block[:4]) == (3,) and b"\x00\x00\x00\x0astreamtype\x00\x00\x00\x04data" in block
    assert first[:4] == b"\x80\x03\x00\x01" and struct.unpack(">I", first[4:8])[0] == len(first) - 8
    # the second block of the connection continues the same zlib stream: shorter, readable in sequence
    second = framer.encode(spdy.SynStream(7, headers))
    assert len(second) < len(first)
    assert inflate.decompress(second[18:]) == spdy.encode_header_block(headers)
    # a reader without the dictionary cannot read it
    with pytest.raises(zlib.error):
        zlib.decompressobj().decompress(first[18:])


def test_a_data_frame_longer_than_a_frame_can_say_is_cut_fin_on_the_last():
    framer = spdy.Framer()
    wire = framer.encode(spdy.Data(3, b"x" * (spdy.MAX_DATA_LENGTH + 10), fin=True))
    frames = spdy.Framer().feed(wire)
    assert [len(f.data) for f in frames] == [spdy.MAX_DATA_LENGTH, 10]
    assert [f.fin for f in frames] == [False, True]


def test_a_wrong_version_is_a_protocol_error():
    with pytest.raises(spdy.ProtocolError):
        spdy.Framer().feed(b"\x80\x02\x00\x06\x00\x00\x00\x04\x00\x00\x00\x01")


# -- the real kubectl ------------------------------------------------------------------------------
class Lab:
    """A sandbox on a running server with an nginx pod ``web`` (and its Service) running."""

    def __init__(self, port: int, tmp: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.tmp = tmp
        self.id = self.post("/api/sandboxes", {})["id"]
        self.kubeconfig = tmp / "kubeconfig"
        with urllib.request.urlopen(f"{self.base}/api/sandboxes/{self.id}/kubeconfig", timeout=10) as r:
            self.kubeconfig.write_bytes(r.read())
        run = self.kubectl("run", "web", "--image=nginx", "--port=80", "--expose")
        assert run.returncode == 0, run.stderr
        self.post(f"/api/sandboxes/{self.id}/clock", {"advance": 60})
        assert "Running" in self.kubectl("get", "pod", "web").stdout

    def post(self, path: str, body: dict) -> dict:
        req = urllib.request.Request(f"{self.base}{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def run(self, command: str) -> dict:
        """A line in kubeplay's own terminal."""
        return self.post(f"/api/sandboxes/{self.id}/run", {"command": command})

    def argv(self, *args: str) -> list[str]:
        return [str(KUBECTL), "--kubeconfig", str(self.kubeconfig), "--cache-dir", str(self.tmp / "cache"), *args]

    def kubectl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(*args), capture_output=True, text=True, timeout=60)


class Forward:
    """``kubectl port-forward TARGET LOCAL:REMOTE`` in the background, its output collected."""

    def __init__(self, lab: Lab, target: str, remote: int) -> None:
        self.local = free_port()
        self.proc = subprocess.Popen(lab.argv("port-forward", target, f"{self.local}:{remote}"),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        self.changed = threading.Condition()
        self.readers = [threading.Thread(target=self._collect, args=(stream, sink), daemon=True)
                        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for reader in self.readers:
            reader.start()

    def _collect(self, stream, sink: list[str]) -> None:
        for line in stream:
            with self.changed:
                sink.append(line)
                self.changed.notify_all()
        with self.changed:
            sink.append("")  # end of output
            self.changed.notify_all()

    def wait_for(self, sink: list[str], needle: str) -> str:
        """The first line of ``sink`` containing ``needle`` (fails with all output after WAIT s)."""
        deadline = time.monotonic() + WAIT
        with self.changed:
            while True:
                for line in sink:
                    if needle in line:
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or (sink and sink[-1] == "" and self.proc.poll() is not None):
                    raise AssertionError(f"no {needle!r} from kubectl:\n{''.join(self.out)}{''.join(self.err)}")
                self.changed.wait(left)

    def get(self, path: str = "/") -> tuple[int, dict, bytes]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.local}{path}", timeout=WAIT) as r:
            return r.status, dict(r.headers), r.read()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for reader in self.readers:
            reader.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture(scope="module", params=["eventlet", "threading"])
def lab(request, tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("no kubectl installed: these tests drive the real one")
    tmp = tmp_path_factory.mktemp(f"portforward-{request.param}")
    with running_server(tmp, mode=request.param) as (port, _log):
        yield Lab(port, tmp)


@pytest.fixture
def forward(lab):
    started: list[Forward] = []

    def start(target: str, remote: int) -> Forward:
        f = Forward(lab, target, remote)
        started.append(f)
        line = f.wait_for(f.out, "Forwarding from 127.0.0.1:")
        assert line == f"Forwarding from 127.0.0.1:{f.local} -> {remote}\n"
        return f

    yield start
    for f in started:
        f.stop()


@needs_kubectl
def test_a_request_through_the_forward_gets_what_curl_in_a_pod_gets(lab, forward):
    f = forward("pod/web", 80)
    status, headers, body = f.get("/")
    assert status == 200
    assert headers["Server"].startswith("nginx/") and headers["Content-Type"] == "text/html"
    # kubeplay's own curl, from a pod, to the same app
    lab.run("kubectl run client --image=curlimages/curl --restart=Never -- sleep 3600")
    lab.post(f"/api/sandboxes/{lab.id}/clock", {"advance": 30})
    ip = lab.kubectl("get", "pod", "web", "-o", "jsonpath={.status.podIP}").stdout
    mine = lab.run(f"kubectl exec client -- curl -s http://{ip}/")
    assert mine["exitCode"] == 0 and "<title>Welcome to nginx!</title>" in mine["output"]
    assert body.decode() == mine["output"]
    assert int(headers["Content-Length"]) == len(body)


@needs_kubectl
def test_the_app_logs_each_request_from_localhost_and_a_new_connection_works_too(lab, forward):
    f = forward("pod/web", 80)
    before = lab.kubectl("logs", "web").stdout.splitlines()
    assert f.get("/")[0] == 200
    with pytest.raises(urllib.error.HTTPError) as missing:
        f.get("/nope")  # a second local connection, another stream pair
    assert missing.value.code == 404 and b"404 Not Found" in missing.value.read()
    after = lab.kubectl("logs", "web").stdout.splitlines()
    new = [line for line in after if line not in before]
    access = [line for line in new if '"GET / HTTP/1.1" 200 615' in line]
    assert len(access) == 1 and access[0].startswith("127.0.0.1 - - [")
    assert '"Python-urllib/' in access[0]
    assert any('"GET /nope HTTP/1.1" 404' in line for line in new)
    assert any('open() "/usr/share/nginx/html/nope" failed' in line and 'client: 127.0.0.1' in line
               for line in new)
    # kubectl says what it forwarded, once per connection
    assert sum("Handling connection for" in line for line in f.out) >= 2


@needs_kubectl
def test_requests_kept_alive_on_one_connection_are_answered_in_order(lab, forward):
    f = forward("pod/web", 80)
    with socket.create_connection(("127.0.0.1", f.local), timeout=WAIT) as conn:
        # two pipelined requests in one write; the second asks the server to close afterwards
        conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                     b"GET /missing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := conn.recv(65536):  # until nginx closes the connection
            received += chunk
    first, _, rest = received.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200 OK\r\nServer: nginx/") and b"\r\nConnection: keep-alive" in first
    length = int(first.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    body, second = rest[:length], rest[length:]
    assert b"<title>Welcome to nginx!</title>" in body
    assert second.startswith(b"HTTP/1.1 404 Not Found\r\n") and b"\r\nConnection: close\r\n" in second
    assert second.endswith(b"</html>\r\n")


@needs_kubectl
def test_a_service_is_forwarded_to_one_of_its_pods(lab, forward):
    f = forward("svc/web", 80)
    status, headers, body = f.get("/")
    assert status == 200 and b"<h1>Welcome to nginx!</h1>" in body


@needs_kubectl
def test_a_port_nothing_listens_on_is_the_runtimes_connection_refused(lab, forward):
    f = forward("pod/web", 81)
    with pytest.raises((urllib.error.URLError, ConnectionError, http_client_errors())):
        f.get("/")
    line = f.wait_for(f.err, "an error occurred forwarding")
    uid = lab.kubectl("get", "pod", "web", "-o", "jsonpath={.metadata.uid}").stdout
    assert uid
    assert f"an error occurred forwarding {f.local} -> 81: error forwarding port 81 to pod " in line
    assert ", uid : failed to execute portforward in network namespace \\\"/var/run/netns/cni-" in line
    assert ("failed to connect to localhost:81 inside namespace" in line
            and "IPv4: dial tcp4 127.0.0.1:81: connect: connection refused "
                "IPv6 dial tcp6: address localhost: no suitable address" in line)
    # then kubectl gives up on the connection to the pod
    f.wait_for(f.err, "error: lost connection to pod")


def http_client_errors() -> type[Exception]:
    import http.client

    return http.client.HTTPException


# -- the sandbox's operation -------------------------------------------------------------------------
def test_each_forwarded_request_is_one_journalled_operation_and_replays_the_same(tmp_path):
    from server.persist import Journal
    from server.sandbox import Sandboxes

    path = str(tmp_path / "journal.sqlite3")
    sandboxes = Sandboxes(Journal(path), {}, seed=7, start=1_767_225_600.0)
    sb = sandboxes.create()
    assert sb.run("kubectl run kuard --image=gcr.io/kuar-demo/kuard-amd64:blue")["exitCode"] == 0
    sb.advance(60)
    ops = len(list(sb.journal.ops(sb.id)))
    # only the connect: nothing changes, nothing is journalled; a closed port is refused
    assert sb.portforward("default", "kuard", 8080) == {}
    assert sb.portforward("default", "kuard", 81) == {"error": "Connection refused"}
    assert len(list(sb.journal.ops(sb.id))) == ops
    req = {"method": "GET", "path": "/healthy", "host": "127.0.0.1:9000", "userAgent": "curl/8.11.1"}
    answers = [sb.portforward("default", "kuard", 8080, req) for _ in range(3)]
    assert [a["status"] for a in answers] == [200, 200, 200] and answers[0]["body"] == "ok"
    assert len(list(sb.journal.ops(sb.id))) == ops + 3
    logs = sb.run("kubectl logs kuard")["output"]
    served = [line for line in logs.splitlines() if line.endswith(" GET /healthy")]
    assert len(served) == 3 and all(" 127.0.0.1:" in line for line in served)  # each with a random port
    traffic = [r for r in sb.traffic_since(None) if r["target"] == "localhost:8080/healthy"]
    assert len(traffic) == 3 and all(r["pod"] == "kuard" and r["status"] == 200 for r in traffic)
    # a server that starts afresh replays the journal: the same log lines, the same traffic
    again = Sandboxes(Journal(path), {}).get(sb.id)
    assert again is not None and again is not sb
    assert again.run("kubectl logs kuard")["output"] == logs
    assert [r["target"] for r in again.traffic_since(None)] == [r["target"] for r in sb.traffic_since(None)]
