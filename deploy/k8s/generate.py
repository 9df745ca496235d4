"""Write the Kubernetes manifests from deploy/services.toml and the kit's NATS users (`python deploy/k8s/generate.py`).

The output is committed (a reviewer reads what a cluster gets) and `tests/test_deploy.py` fails when it differs from
what this script writes, like the contracts. A new service needs only its table in deploy/services.toml; the keys
read here besides `package` and `processes`:

- `calls = ["pip-api"]`: the APIs it calls over HTTP (its egress and their ingress NetworkPolicies);
- `egress = "internet"`: its workers reach the public internet on 443 (never cluster or private ranges);
- `database = false` / `nats = false`: it has no PostgreSQL of its own / no event bus user (a UI, say);
- `[<service>.kubernetes]`: `relay = false` (it publishes no events), `processes` (extra Deployments that only the
  cluster runs apart, such as notificaties' delivery, which `make run` keeps inside the API), `settings` (extra
  ConfigMap values, without the prefix), `volumes` (shared volumes: name -> {path, size, setting}), `component`
  (the service belongs to a Kustomize component of its own, such as the stand-ins in components/standins, and
  stays out of the base), `schedules` (commands run as a CronJob: name -> cron schedule, such as the daily
  retention job), `secret_mounts` (Secrets `<service>-<name>` mounted read-only in every container: name -> path,
  such as the exchange's PKIoverheid certificate), `secrets` (keys of the service's own Secret `<service>` each
  container reads by name, without the prefix: key -> "required" or "optional"; so the werkplek's session key).

Sizes come from the measured RSS and CPU in bench/results (see SIZES); deploy/README.md shows the arithmetic.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
sys.path.insert(0, str(ROOT / "libs" / "kit" / "src"))

from inburgering_kit.nats_access import ADMIN_USER, password_variable, production_config  # noqa: E402

IMAGE = "inburgering"  # one image for every service (deploy/Containerfile); overlays set its tag
IMAGE_TAG = "1.0.0"
NATS_IMAGE = "nats:2.11-alpine"
NATS_BOX_IMAGE = "natsio/nats-box:0.17.0"
UID = 10001  # the image's user (deploy/Containerfile)
API_PORT = 8000
SERVICE_PORT = 80  # an API's Service: `http://<service>` reaches it from the namespace (see `in_cluster`)
HEALTH_PORT = 8081
STREAM = "INBURGERING"
NATS_REPLICAS = 3
# Namespaces whose pods may call the APIs (the ingress controller's); an overlay may patch the policies.
INGRESS_NAMESPACE = "ingress-nginx"
# Where webhook subscribers live: the internet, never the cluster, the node network, link-local (the cloud's metadata
# endpoint) or carrier-grade NAT. Closes the DNS-rebinding window the SSRF check in notificaties leaves.
PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "127.0.0.0/8"]

# Requests and limits per kind of process, from bench/results (RSS in MB as measured there):
# API idle 96-107, loaded 106-120 (inburgeraar-api, pip-vaststelling, aanbieder-api, notificaties);
# relay idle 98 (inburgeraar-api); signal job peak 175 (pip-signalen) and 207 (handhaving-werklijst) over 100,000
# rows; delivery worker ~ the notificaties process, 96. A limit of about twice the measured peak leaves room for a
# burst of large requests without an OOM kill; the request is the measured working set rounded up.
# CPU: one API process carries 550-730 writes/s per core (bench), far above the national load (deploy/README.md),
# so the CPU request is what keeps the p99 low at the measured 200/s, not what the volume needs.
SIZES: dict[str, dict[str, dict[str, str]]] = {
    "api": {"requests": {"cpu": "250m", "memory": "160Mi"}, "limits": {"cpu": "1", "memory": "320Mi"}},
    "relay": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
    "job": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "448Mi"}},
    "migrate": {"requests": {"cpu": "100m", "memory": "160Mi"}, "limits": {"cpu": "1", "memory": "320Mi"}},
}
DATABASE_POOL_SIZE = 10  # per process; max_connections below holds the HPA's maximum of API pods plus workers
HPA_MIN, HPA_MAX = 2, 6


@dataclass(frozen=True)
class Service:
    name: str
    package: str
    processes: tuple[str, ...]
    calls: tuple[str, ...] = ()
    internet: bool = False
    database: bool = True
    nats: bool = True
    relay: bool = True
    settings: dict[str, str] = field(default_factory=dict)
    volumes: dict[str, dict[str, str]] = field(default_factory=dict)
    schedules: dict[str, str] = field(default_factory=dict)
    secret_mounts: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return self.package.upper() + "_"

    @property
    def db_cluster(self) -> str:
        return f"{self.name}-db"


def load(root: Path = ROOT) -> list[Service]:
    table = tomllib.loads((root / "deploy" / "services.toml").read_text())
    services = []
    for name, spec in table.items():
        k8s = spec.get("kubernetes", {})
        if "component" in k8s:
            continue
        owns_data = spec.get("kind", "api") == "api"  # an "interactie" service (the werkplek) has neither by default
        services.append(
            Service(
                name=name,
                package=spec["package"],
                processes=tuple(spec.get("processes", [])) + tuple(k8s.get("processes", [])),
                calls=tuple(spec.get("calls", [])),
                internet=spec.get("egress") == "internet",
                database=bool(spec.get("database", owns_data)),
                nats=bool(spec.get("nats", owns_data)),
                relay=bool(k8s.get("relay", spec.get("nats", owns_data))),
                settings={
                    str(k): in_cluster(str(v), name, spec.get("calls", [])) for k, v in k8s.get("settings", {}).items()
                },
                volumes=dict(k8s.get("volumes", {})),
                schedules={str(k): str(v) for k, v in k8s.get("schedules", {}).items()},
                secret_mounts={str(k): str(v) for k, v in k8s.get("secret_mounts", {}).items()},
                secrets=secret_keys(name, k8s),
            )
        )
    return services


def secret_keys(service: str, k8s: dict[str, Any]) -> dict[str, str]:
    """The keys of the service's own Secret it reads by name. A value never sits both there and in the ConfigMap:
    the ConfigMap is in the repository, the Secret is not."""
    secrets = {str(k): str(v) for k, v in k8s.get("secrets", {}).items()}
    for key, need in secrets.items():
        if need not in ("required", "optional"):
            raise ValueError(f"{service}: secret {key} is {need!r}, not 'required' or 'optional'")
        if key in k8s.get("settings", {}):
            raise ValueError(f"{service}: {key} is both a secret and a ConfigMap setting")
    return secrets


def in_cluster(value: str, service: str, calls: list[str]) -> str:
    """A setting with `{url:<callee>}` replaced by the callee's address in the cluster: its Service's name in the
    namespace, on the Service's port. Only for an API `service` calls: the egress policy lets nothing else through."""

    def url(match: re.Match[str]) -> str:
        callee = match.group(1)
        if callee not in calls:
            raise ValueError(f"{service}: {{url:{callee}}} in its settings, but {callee} is not in its `calls`")
        return f"http://{callee}"  # SERVICE_PORT, http's own

    return re.sub(r"\{url:([a-z\-]+)\}", url, value)


# --- building blocks ---------------------------------------------------------------------------------------------


def meta(name: str, **labels: str) -> dict[str, Any]:
    return (
        {"name": name, "labels": {"app.kubernetes.io/part-of": "inburgering", **labels}} if labels else {"name": name}
    )


def pod_security() -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": UID,
        "fsGroup": UID,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security() -> dict[str, Any]:
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": UID,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def env_of(service: Service, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = list(extra)
    if service.database:
        # CloudNativePG writes the application user's connection URI into `<cluster>-app`.
        env.append(
            {
                "name": f"{service.prefix}DATABASE_URL",
                "valueFrom": {"secretKeyRef": {"name": f"{service.db_cluster}-app", "key": "uri"}},
            }
        )
    if service.nats:
        key = password_variable(service.name)
        env.append(
            {
                "name": f"{service.prefix}NATS_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": "nats-credentials", "key": key}},
            }
        )
    for key, need in service.secrets.items():
        # By name, not only through the envFrom of the whole Secret: a required key missing from it keeps the pod
        # from starting (CreateContainerConfigError names the key) instead of leaving a development default in force,
        # which the werkplek refuses in production only (the development overlay runs as `test`).
        ref: dict[str, Any] = {"name": service.name, "key": f"{service.prefix}{key}"}
        if need == "optional":
            ref["optional"] = True
        env.append({"name": f"{service.prefix}{key}", "valueFrom": {"secretKeyRef": ref}})
    return env


def container(service: Service, name: str, kind: str, command: list[str], *extra_env: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": name,
        "image": f"{IMAGE}:{IMAGE_TAG}",
        "imagePullPolicy": "IfNotPresent",
        "command": command,
        "envFrom": [{"configMapRef": {"name": service.name}}, {"secretRef": {"name": service.name}}],
        "env": env_of(service, *extra_env),
        "resources": SIZES[kind],
        "securityContext": container_security(),
        "volumeMounts": [
            {"name": "tmp", "mountPath": "/tmp"},  # noqa: S108 - an emptyDir: the root is read-only
            *({"name": n, "mountPath": path, "readOnly": True} for n, path in service.secret_mounts.items()),
        ],
    }
    return spec


def probes(port: int | str, *, api: bool) -> dict[str, Any]:
    # A worker's HEALTH_PORT answers /health/live only: it has no dependencies to be "ready" for but its loops.
    ready = "/health/ready" if api else "/health/live"
    return {
        "startupProbe": {"httpGet": {"path": "/health/live", "port": port}, "periodSeconds": 2, "failureThreshold": 30},
        "livenessProbe": {
            "httpGet": {"path": "/health/live", "port": port},
            "periodSeconds": 10,
            "failureThreshold": 3,
        },
        "readinessProbe": {"httpGet": {"path": ready, "port": port}, "periodSeconds": 5, "failureThreshold": 2},
    }


def pod_template(
    service: Service, app: str, role: str, containers: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}}]
    for volume in service.volumes:
        volumes.append({"name": volume, "persistentVolumeClaim": {"claimName": f"{service.name}-{volume}"}})
    for secret in service.secret_mounts:
        volumes.append({"name": secret, "secret": {"secretName": f"{service.name}-{secret}"}})
    labels = {"app": app, "inburgering.nl/service": service.name, "inburgering.nl/role": role}
    if service.nats:
        labels["inburgering.nl/nats"] = "client"  # NATS's ingress policy admits these pods
    return {
        "metadata": {"labels": labels},
        "spec": {
            "automountServiceAccountToken": False,
            "securityContext": pod_security(),
            # Replicas on different nodes where there are any: a node loss takes one of them.
            "topologySpreadConstraints": [
                {
                    "maxSkew": 1,
                    "topologyKey": "kubernetes.io/hostname",
                    "whenUnsatisfiable": "ScheduleAnyway",
                    "labelSelector": {"matchLabels": {"app": app}},
                }
            ],
            **extra,
            "containers": containers,
            "volumes": volumes,
        },
    }


def deployment(name: str, template: dict[str, Any], replicas: int | None, **strategy: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": {"matchLabels": {"app": name}}, "template": template}
    if replicas is not None:
        spec = {"replicas": replicas, **spec}
    if strategy:
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": strategy}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, **{"app.kubernetes.io/name": name}),
        "spec": spec,
    }


def pdb(name: str) -> dict[str, Any]:
    # maxUnavailable rather than minAvailable: a development overlay with one replica still drains.
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta(name),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": name}}},
    }


# --- one service -------------------------------------------------------------------------------------------------


def config_map(service: Service) -> dict[str, Any]:
    p = service.prefix
    data = {
        f"{p}ENVIRONMENT": "production",
        f"{p}PUBLIC_BASE_URL": "https://inburgering.gemeente.example",
        f"{p}AUTH__ISSUERS": '["https://login.gemeente.example/realms/inburgering"]',
        f"{p}AUTH__AUDIENCE": service.name,
        f"{p}AUTH__JWKS_URL": "https://login.gemeente.example/realms/inburgering/protocol/openid-connect/certs",
        f"{p}LOG_LEVEL": "INFO",
    }
    if service.database:
        data[f"{p}DATABASE_POOL_SIZE"] = str(DATABASE_POOL_SIZE)
    if service.nats:
        # The cluster's client Service; the client learns the other servers from the first it reaches.
        data[f"{p}NATS_URL"] = "nats://nats:4222"
        data[f"{p}NATS_USER"] = service.name
        data[f"{p}RUN_RELAY"] = "false"
    for spec in service.volumes.values():
        data[f"{p}{spec['setting']}"] = spec["path"]
    data.update({f"{p}{key}": value for key, value in service.settings.items()})
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(service.name), "data": data}


def migrations_digest(service: Service) -> str:
    """Changes when the service's migrations change: the API pods' template carries it, so a new migration rolls
    them (and so runs) even when the image tag in an overlay stays."""
    digest = hashlib.sha256()
    folder = ROOT / "services" / service.name / "migrations"
    for path in sorted(folder.rglob("*.py")) if folder.exists() else []:
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return "sha256-" + digest.hexdigest()[:12]


def api_deployment(service: Service) -> dict[str, Any]:
    api = container(
        service,
        "api",
        "api",
        [
            *("uvicorn", f"{service.package}.main:create_app", "--factory", "--host", "0.0.0.0"),  # noqa: S104
            *("--port", str(API_PORT), "--no-server-header", "--no-proxy-headers", "--no-access-log"),
        ],
    )
    # `args`, not `command`: the image has no entrypoint, so these are the command; and a container with a
    # `command` is a worker by the kit's convention (it must serve HEALTH_PORT).
    api["args"] = api.pop("command")
    api["ports"] = [{"name": "http", "containerPort": API_PORT}]
    api.update(probes("http", api=True))
    for volume, spec in service.volumes.items():
        api["volumeMounts"].append({"name": volume, "mountPath": spec["path"]})
    extra: dict[str, Any] = {}
    if service.database:
        # Migrations once per rollout: maxSurge 1 / maxUnavailable 0 start one new pod first, whose init container
        # upgrades the schema; the pods after it find it at head and go on (Alembic's upgrade is a no-op then).
        migrate = container(service, "migrate", "migrate", ["python", "-m", service.package, "migrate"])
        extra["initContainers"] = [migrate]
    template = pod_template(service, service.name, "api", [api], **extra, terminationGracePeriodSeconds=30)
    template["metadata"]["annotations"] = {"inburgering.nl/migrations": migrations_digest(service)}
    # No replicas: the HorizontalPodAutoscaler owns the count (a fixed one here would fight it on every apply).
    return deployment(service.name, template, None, maxSurge=1, maxUnavailable=0)


def worker_deployment(service: Service, process: str) -> dict[str, Any]:
    name = worker_name(service, process)
    kind = "relay" if process == "relay" else "job"
    work = container(
        service, process.removesuffix("-job"), kind, ["python", "-m", service.package, process],
        {"name": "HEALTH_PORT", "value": str(HEALTH_PORT)},
    )  # fmt: skip
    work["ports"] = [{"name": "health", "containerPort": HEALTH_PORT}]
    work.update(probes("health", api=False))
    for volume, spec in service.volumes.items():
        work["volumeMounts"].append({"name": volume, "mountPath": spec["path"]})
    # Two for availability: relays and jobs are safe with any number running (FOR UPDATE SKIP LOCKED, Nats-Msg-Id
    # de-duplication, unique natural keys); SIGTERM lets a worker hand back what it holds.
    template = pod_template(service, name, kind, [work], terminationGracePeriodSeconds=30)
    return deployment(name, template, 2)


def cron_job(service: Service, process: str, schedule: str) -> dict[str, Any]:
    name = f"{service.name}-{process}"
    work = container(service, process, "job", ["python", "-m", service.package, process])
    template = pod_template(service, name, "job", [work], restartPolicy="OnFailure")
    del template["spec"]["topologySpreadConstraints"]  # one pod at a time: nothing to spread
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": meta(name, **{"app.kubernetes.io/name": name}),
        # Forbid saves a wasted start only: the job itself runs each day once under any overlap (an advisory lock and
        # one report per day, `inburgering_kit.retentie`).
        "spec": {
            "schedule": schedule,
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {"spec": {"backoffLimit": 3, "template": template}},
        },
    }


def api_service(service: Service) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(service.name),
        "spec": {
            "selector": {"app": service.name},
            "ports": [{"name": "http", "port": SERVICE_PORT, "targetPort": "http"}],
        },
    }


def hpa(service: Service) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta(service.name),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": service.name},
            "minReplicas": HPA_MIN,
            "maxReplicas": HPA_MAX,
            # 70% of the request: the bench's p99 stays low up to ~75% of a core in one process.
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
        },
    }


def dns_egress() -> dict[str, Any]:
    return {
        "to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
        "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
    }


def network_policies(service: Service, services: list[Service]) -> list[dict[str, Any]]:
    """Its pods reach DNS, its own database cluster, NATS and the APIs it calls; its workers with `egress =
    "internet"` also the internet on 443, minus every private range. Its API takes calls from the ingress controller
    and from the services that list it in `calls`."""
    egress: list[dict[str, Any]] = [dns_egress()]
    if service.database:
        egress.append(
            {
                "to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": service.db_cluster}}}],
                "ports": [{"port": 5432, "protocol": "TCP"}],
            }
        )
    if service.nats:
        egress.append(
            {"to": [{"podSelector": {"matchLabels": {"app": "nats"}}}], "ports": [{"port": 4222, "protocol": "TCP"}]}
        )
    for callee in service.calls:
        egress.append(
            {
                "to": [{"podSelector": {"matchLabels": {"app": callee}}}],
                "ports": [{"port": API_PORT, "protocol": "TCP"}],
            }
        )
    selector = {"matchLabels": {"inburgering.nl/service": service.name}}
    policies = [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta(f"{service.name}-egress"),
            "spec": {"podSelector": selector, "policyTypes": ["Egress"], "egress": egress},
        }
    ]
    callers = [other.name for other in services if service.name in other.calls]
    ingress_from: list[dict[str, Any]] = [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": INGRESS_NAMESPACE}}},
        *({"podSelector": {"matchLabels": {"inburgering.nl/service": caller}}} for caller in callers),
    ]
    policies.append(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta(f"{service.name}-ingress"),
            "spec": {
                "podSelector": {"matchLabels": {"app": service.name}},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": ingress_from, "ports": [{"port": API_PORT, "protocol": "TCP"}]}],
            },
        }
    )
    if service.internet:
        workers = [worker_name(service, p) for p in service.processes]
        policies.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": meta(f"{service.name}-internet"),
                "spec": {
                    "podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": workers}]},
                    "policyTypes": ["Egress"],
                    "egress": [
                        {
                            "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": PRIVATE_RANGES}}],
                            "ports": [{"port": 443, "protocol": "TCP"}],
                        }
                    ],
                },
            }
        )
    return policies


def database_cluster(service: Service) -> list[dict[str, Any]]:
    """One CloudNativePG cluster per service (its database and owner role, nothing else on it): a service's
    credentials and its network policy reach its own data only, and each scales and restores on its own."""
    name = service.db_cluster
    cluster = {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": meta(name),
        "spec": {
            # A primary and a synchronous-capable standby on another node; the production overlay makes it three.
            "instances": 2,
            "primaryUpdateStrategy": "unsupervised",
            "enablePDB": True,
            "affinity": {"enablePodAntiAffinity": True, "topologyKey": "kubernetes.io/hostname"},
            "bootstrap": {"initdb": {"database": service.package, "owner": service.package}},
            "postgresql": {
                # HPA_MAX API pods + 2 of each worker, DATABASE_POOL_SIZE each, plus room for operations.
                "parameters": {"max_connections": "200", "shared_buffers": "256MB"},
            },
            "storage": {"size": "10Gi"},
            "walStorage": {"size": "5Gi"},
            "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
            "monitoring": {"enablePodMonitor": False},
            "backup": {
                "retentionPolicy": "30d",
                "barmanObjectStore": {
                    # The bucket and its credentials (Secret `backup-credentials`) per installation; see the overlays.
                    "destinationPath": f"s3://inburgering-backups/{service.name}",
                    "s3Credentials": {
                        "accessKeyId": {"name": "backup-credentials", "key": "ACCESS_KEY_ID"},
                        "secretAccessKey": {"name": "backup-credentials", "key": "ACCESS_SECRET_KEY"},
                    },
                    "wal": {"compression": "gzip"},
                    "data": {"compression": "gzip"},
                },
            },
        },
    }
    scheduled = {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "ScheduledBackup",
        "metadata": meta(name),
        # Daily base backup at 02:00; the WAL archive in between gives point-in-time recovery.
        "spec": {"schedule": "0 0 2 * * *", "backupOwnerReference": "self", "cluster": {"name": name}},
    }
    db_pods = {"matchLabels": {"cnpg.io/cluster": name}}
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta(name),
        "spec": {
            "podSelector": db_pods,
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                # Its own service, its own instances (replication) and the operator (status on 8000).
                {
                    "from": [
                        {"podSelector": {"matchLabels": {"inburgering.nl/service": service.name}}},
                        {"podSelector": db_pods},
                    ],
                    "ports": [{"port": 5432, "protocol": "TCP"}],
                },
                {
                    "from": [
                        {"podSelector": db_pods},
                        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "cnpg-system"}}},
                    ],
                    "ports": [{"port": 8000, "protocol": "TCP"}],
                },
            ],
            "egress": [
                dns_egress(),
                {
                    "to": [{"podSelector": db_pods}],
                    "ports": [{"port": 5432, "protocol": "TCP"}, {"port": 8000, "protocol": "TCP"}],
                },
                # The Kubernetes API (the instance manager) and the object store (backups): both outside the namespace.
                {"ports": [{"port": 443, "protocol": "TCP"}, {"port": 6443, "protocol": "TCP"}]},
            ],
        },
    }
    return [cluster, scheduled, policy]


def service_documents(service: Service, services: list[Service]) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = [
        config_map(service),
        api_deployment(service),
        api_service(service),
        hpa(service),
        pdb(service.name),
    ]
    for process in worker_processes(service):
        worker = worker_deployment(service, process)
        docs += [worker, pdb(worker["metadata"]["name"])]
    docs += [cron_job(service, process, schedule) for process, schedule in service.schedules.items()]
    for volume, spec in service.volumes.items():
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": meta(f"{service.name}-{volume}"),
                # Every replica shares it: a file accepted with 202 must survive the pod that received it.
                "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": spec["size"]}}},
            }
        )
    docs += network_policies(service, services)
    if service.database:
        docs += database_cluster(service)
    return docs


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML has no type stubs here
    """Quotes a string of digits (an OIN): PyYAML leaves "00000001800866472000" plain, and Kustomize's YAML 1.2
    reads that back as a number."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "'" if value.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


# --- NATS ----------------------------------------------------------------------------------------------------------


def nats_conf() -> str:
    routes = ", ".join(f"nats://nats-{i}.nats-cluster:6222" for i in range(NATS_REPLICAS))
    head = f"""# Generated by deploy/k8s/generate.py; do not edit.
# A {NATS_REPLICAS}-node JetStream cluster (one server per pod of the StatefulSet `nats`): file storage on each
# pod's volume, every stream with {NATS_REPLICAS} replicas (the Job `nats-stream`), so a node's loss leaves a quorum
# that keeps accepting and serving events.
# Every client authenticates: one user per service, allowed to publish only its own events and to read only through
# its own durable consumers; `beheer` for operations; the system account apart. Passwords come from the Secret
# `nats-credentials` as environment variables of the NATS pod. The users part below is generated from
# libs/kit/src/inburgering_kit/nats_access.py (`production_config()`); a kit test checks it still matches.
server_name: $POD_NAME
port: 4222
pid_file: /tmp/nats.pid
http_port: 8222
max_payload: 1MB
lame_duck_duration: 30s
jetstream {{
  store_dir: /data/jetstream
  max_file_store: 20G
  max_memory_store: 256M
}}
cluster {{
  name: inburgering
  port: 6222
  routes: [{routes}]
  # No route password: the NetworkPolicy `nats` lets only the NATS pods reach 6222 (a password here would have to
  # be written into every route URL, where the environment cannot put it).
  connect_retries: 120
}}
"""
    return head + production_config()


def nats_documents() -> list[dict[str, Any]]:
    labels = {"app": "nats"}
    server = {
        "name": "nats",
        "image": NATS_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "args": ["--config", "/etc/nats/nats.conf"],
        # nats.conf reads `$<USER>_NATS_PASSWORD` and `$POD_NAME` from the environment.
        "envFrom": [{"secretRef": {"name": "nats-credentials"}}],
        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "ports": [
            {"containerPort": 4222, "name": "client"},
            {"containerPort": 6222, "name": "cluster"},
            {"containerPort": 8222, "name": "monitor"},
        ],
        # /healthz?js-enabled-only: the server is up with JetStream on; the full /healthz would wait for every stream
        # to catch up, which after a node loss keeps a healthy pod out of the Service for no reason.
        "startupProbe": {
            "httpGet": {"path": "/healthz", "port": "monitor"},
            "periodSeconds": 5,
            "failureThreshold": 60,
        },
        "readinessProbe": {"httpGet": {"path": "/healthz?js-enabled-only=true", "port": "monitor"}, "periodSeconds": 5},
        "livenessProbe": {
            "httpGet": {"path": "/healthz?js-enabled-only=true", "port": "monitor"},
            "periodSeconds": 10,
            "failureThreshold": 3,
        },
        # Lame duck: clients move to the other servers before this one stops.
        "lifecycle": {"preStop": {"exec": {"command": ["nats-server", "--signal", "ldm=/tmp/nats.pid"]}}},
        "volumeMounts": [
            {"name": "config", "mountPath": "/etc/nats", "readOnly": True},
            {"name": "data", "mountPath": "/data"},
            {"name": "tmp", "mountPath": "/tmp"},  # noqa: S108
        ],
        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": "2", "memory": "1Gi"}},
        "securityContext": container_security(),
    }
    statefulset = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": meta("nats", **{"app.kubernetes.io/name": "nats"}),
        "spec": {
            "replicas": NATS_REPLICAS,
            "serviceName": "nats-cluster",
            # All at once: a server waits for its routes, and one by one the second would wait for the third forever.
            "podManagementPolicy": "Parallel",
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": pod_security(),
                    "terminationGracePeriodSeconds": 60,
                    "affinity": {
                        "podAntiAffinity": {
                            "requiredDuringSchedulingIgnoredDuringExecution": [
                                {"labelSelector": {"matchLabels": labels}, "topologyKey": "kubernetes.io/hostname"}
                            ]
                        }
                    },
                    "containers": [server],
                    "volumes": [
                        {"name": "config", "configMap": {"name": "nats-config"}},
                        {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
                    ],
                },
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    # nats.conf allows JetStream 20G of file storage.
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "25Gi"}}},
                }
            ],
        },
    }
    headless = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta("nats-cluster"),
        "spec": {
            "clusterIP": "None",
            # Routes must resolve while a server is still starting: it is not ready until it has its peers.
            "publishNotReadyAddresses": True,
            "selector": labels,
            "ports": [
                {"port": 6222, "targetPort": "cluster", "name": "cluster"},
                {"port": 4222, "targetPort": "client", "name": "client"},
            ],
        },
    }
    client = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta("nats"),
        "spec": {"selector": labels, "ports": [{"port": 4222, "targetPort": "client", "name": "client"}]},
    }
    # Two of three servers keep the JetStream quorum: never more than one away on purpose.
    budget = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta("nats"),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels}},
    }
    nats_clients = [{"podSelector": {"matchLabels": {"inburgering.nl/nats": "client"}}}]
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta("nats"),
        "spec": {
            "podSelector": {"matchLabels": labels},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {"from": nats_clients, "ports": [{"port": 4222, "protocol": "TCP"}]},
                {"from": [{"podSelector": {"matchLabels": labels}}], "ports": [{"port": 6222, "protocol": "TCP"}]},
            ],
            "egress": [
                dns_egress(),
                {"to": [{"podSelector": {"matchLabels": labels}}], "ports": [{"port": 6222, "protocol": "TCP"}]},
            ],
        },
    }
    # The stream Job's way out through the default deny: DNS and the NATS clients' port, nothing else.
    job_egress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta("nats-stream"),
        "spec": {
            "podSelector": {"matchLabels": {"app": "nats-stream"}},
            "policyTypes": ["Egress"],
            "egress": [
                dns_egress(),
                {"to": [{"podSelector": {"matchLabels": labels}}], "ports": [{"port": 4222, "protocol": "TCP"}]},
            ],
        },
    }
    return [statefulset, headless, client, budget, policy, nats_stream_job(), job_egress]


def nats_stream_job() -> dict[str, Any]:
    """The event stream with R3 on file storage, made or raised to it: the services create the stream with their
    defaults if they come first (one replica), so the Job also edits an existing one up to three. Idempotent: every
    `kubectl apply` after its TTL runs it again, to no effect."""
    script = (
        f"nats stream info {STREAM} >/dev/null 2>&1 || "
        f"nats stream add {STREAM} --subjects 'nl.inburgering.>' --storage file --replicas {NATS_REPLICAS} "
        f"--dupe-window 2m --retention limits --discard old --defaults; "
        f"nats stream edit {STREAM} --replicas {NATS_REPLICAS} --force"
    )
    admin = password_variable(ADMIN_USER)
    box = {
        "name": "stream",
        "image": NATS_BOX_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", script],
        "env": [
            {"name": "NATS_URL", "value": "nats://nats:4222"},
            {"name": "NATS_USER", "value": ADMIN_USER},
            {"name": "NATS_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "nats-credentials", "key": admin}}},
        ],
        "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"cpu": "200m", "memory": "64Mi"}},
        "securityContext": container_security(),
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta("nats-stream"),
        "spec": {
            "backoffLimit": 30,
            "ttlSecondsAfterFinished": 3600,
            "template": {
                "metadata": {"labels": {"app": "nats-stream", "inburgering.nl/nats": "client"}},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "automountServiceAccountToken": False,
                    "securityContext": pod_security(),
                    "containers": [box],
                },
            },
        },
    }


def namespace_documents() -> list[dict[str, Any]]:
    deny = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta("default-deny"),
        # Everything not allowed by a policy of its own is refused, both ways.
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    }
    return [deny]


# --- files ---------------------------------------------------------------------------------------------------------


def dump(docs: list[dict[str, Any]], header: str) -> str:
    body = str(yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False, width=120, default_flow_style=False))
    return header + body


HEADER = "# Generated by deploy/k8s/generate.py from deploy/services.toml; do not edit.\n"


def base_files(services: list[Service]) -> dict[str, str]:
    files: dict[str, str] = {}
    for service in services:
        about = f"# {service.name}: the API, its relay and jobs, its PostgreSQL cluster, its network policies.\n"
        files[f"{service.name}.yaml"] = dump(service_documents(service, services), HEADER + about)
    files["nats.yaml"] = dump(
        nats_documents(), HEADER + "# The event bus: a 3-node NATS JetStream cluster (nats.conf).\n"
    )
    files["nats.conf"] = nats_conf()
    files["default-deny.yaml"] = dump(namespace_documents(), HEADER)
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "labels": [{"pairs": {"app.kubernetes.io/part-of": "inburgering"}}],
        "resources": ["default-deny.yaml", "nats.yaml", *(f"{s.name}.yaml" for s in services)],
        "configMapGenerator": [{"name": "nats-config", "files": ["nats.conf"]}],
    }
    files["kustomization.yaml"] = dump(
        [kustomization],
        HEADER + "# The base; install an overlay: `kubectl apply -k deploy/k8s/overlays/production`.\n",
    )
    return files


def replace(prefix: str = "/spec/", **values: object) -> str:
    """A JSON patch replacing `prefix + key` with each value."""
    operations = [{"op": "replace", "path": prefix + key, "value": value} for key, value in values.items()]
    return str(yaml.safe_dump(operations))


def worker_processes(service: Service) -> list[str]:
    return (["relay"] if service.relay else []) + list(service.processes)


def worker_name(service: Service, process: str) -> str:
    return f"{service.name}-{process.removesuffix('-job')}"


def overlay_files(services: list[Service], standins: bool) -> dict[str, str]:
    workers = [worker_name(s, p) for s in services for p in worker_processes(s)]
    files: dict[str, str] = {}

    def namespace(name: str, level: str) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": name,
                # Restricted pod security enforced by the API server, not only written in the manifests.
                "labels": {
                    "pod-security.kubernetes.io/enforce": level,
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/warn": level,
                },
            },
        }

    # production: three database instances, the HPA up to its maximum, the image tag of the release.
    prod_patches = [{"target": {"group": "postgresql.cnpg.io", "kind": "Cluster"}, "patch": replace(instances=3)}]
    prod = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": "inburgering",
        "resources": ["namespace.yaml", "../../base"],
        "images": [{"name": IMAGE, "newTag": IMAGE_TAG}],
        "patches": prod_patches,
    }
    files["production/kustomization.yaml"] = dump(
        [prod], HEADER + "# Production: `kubectl apply -k deploy/k8s/overlays/production`.\n"
    )
    files["production/namespace.yaml"] = dump([namespace("inburgering", "restricted")], HEADER)

    # development: one replica of everything, the test environment's settings, the stand-ins when they exist.
    dev_patches: list[dict[str, Any]] = [
        {"target": {"kind": "HorizontalPodAutoscaler"}, "patch": replace(minReplicas=1, maxReplicas=2)},
        {"target": {"kind": "Deployment", "name": "|".join(workers)}, "patch": replace(replicas=1)},
        {"target": {"group": "postgresql.cnpg.io", "kind": "Cluster"}, "patch": replace(**{"storage/size": "2Gi"})},
    ]
    for service in services:
        dev_patches.append(
            {
                "target": {"kind": "ConfigMap", "name": service.name},
                "patch": replace(prefix="/data/", **{f"{service.prefix}ENVIRONMENT": "test"}),
            }
        )
    dev: dict[str, Any] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": "inburgering-dev",
        "resources": ["namespace.yaml", "../../base"],
        "images": [{"name": IMAGE, "newTag": IMAGE_TAG}],
        "patches": dev_patches,
    }
    if standins:
        dev["components"] = ["../../components/standins"]
    about = "# A test environment: `kubectl apply -k deploy/k8s/overlays/development`"
    files["development/kustomization.yaml"] = dump([dev], HEADER + about + (", stand-ins in.\n" if standins else ".\n"))
    files["development/namespace.yaml"] = dump([namespace("inburgering-dev", "restricted")], HEADER)
    return files


def all_files(root: Path = ROOT) -> dict[str, str]:
    """Every generated file, relative to deploy/k8s."""
    services = load(root)
    standins = (root / "deploy" / "k8s" / "components" / "standins" / "kustomization.yaml").exists()
    files = {f"base/{path}": text for path, text in base_files(services).items()}
    files.update({f"overlays/{path}": text for path, text in overlay_files(services, standins).items()})
    return files


def main() -> None:
    for relative, text in all_files().items():
        path = K8S / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
