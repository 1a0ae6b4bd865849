#!/usr/bin/python3
"""Checks the deployment files without a cluster or a Docker engine.

Flow: parse every manifest in deploy/kubernetes/ and docker/compose.yaml
(python3-yaml); walk each Kubernetes object against the fields of its API
type, so a misspelt or misplaced field fails here as `kubectl apply` would
reject it; then check, value by value, what ties the files together: labels
and selectors, the ports (the line protocol's and HTTP's), the probes (a
query for liveness, HTTP /healthz for readiness), the metrics annotations,
the user, the server's arguments, the autoscaler's target, the shutdown
timing, against docker/Dockerfile.
Prints one line per failed check and "N passed, M failed" last; exit 1 on
any failure. Run by ctest (tests/CMakeLists.txt).
"""
import json
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "kubernetes"

PORT = 2323
# HTTP (issue 11): the container's --http-port, and the Service's port for it.
HTTP_PORT = 8080
SERVICE_HTTP_PORT = 80
SERVER_ARGS = ["--host", "0.0.0.0", "--port", str(PORT), "--http-port", str(HTTP_PORT)]
LABELS = {"app.kubernetes.io/name": "mojifinder"}
CLIENT = "/usr/local/bin/mojifinder"
SERVER = "/usr/local/bin/mojifinderd"
# The server's drain after SIGTERM takes at most about 7 s (docs/OPERATIONS.md:
# grace 5 s, linger 1 s, margin).
DRAIN_SECONDS = 7
# Resident memory measured at the default --max-connections: the most
# docs/BENCHMARKS.md's run saw with 10000 sessions, 25,828 KiB (25.2 MiB,
# after they closed; docs/DEPLOY.md's sizing), rounded up, plus the data
# file's pages a replica may map in time (31.8 MB: 30.3 MiB), rounded up.
RSS_AT_MAX_CONNECTIONS_MI = 26 + 31

# The API fields of the types these manifests use (a subset of each type, as
# named in the Kubernetes API reference). A dict is an object; [t] a list of
# t; "map" string to string; "quantities" string to quantity; "int|str" either.
LABEL_SELECTOR = {"matchLabels": "map", "matchExpressions": [dict]}
OBJECT_META = {"name": str, "namespace": str, "labels": "map", "annotations": "map"}
EXEC_ACTION = {"command": [str]}
HTTP_GET_ACTION = {"path": str, "port": "int|str", "host": str, "scheme": str,
                   "httpHeaders": [{"name": str, "value": str}]}
PROBE = {"exec": EXEC_ACTION, "httpGet": HTTP_GET_ACTION, "initialDelaySeconds": int, "periodSeconds": int,
         "timeoutSeconds": int, "failureThreshold": int, "successThreshold": int,
         "terminationGracePeriodSeconds": int}
LIFECYCLE_HANDLER = {"exec": EXEC_ACTION, "httpGet": HTTP_GET_ACTION, "sleep": {"seconds": int}}
SECCOMP_PROFILE = {"type": str, "localhostProfile": str}
CONTAINER = {
    "name": str, "image": str, "imagePullPolicy": str, "command": [str], "args": [str],
    "ports": [{"name": str, "containerPort": int, "protocol": str}],
    "resources": {"requests": "quantities", "limits": "quantities"},
    "readinessProbe": PROBE, "livenessProbe": PROBE, "startupProbe": PROBE,
    "lifecycle": {"preStop": LIFECYCLE_HANDLER, "postStart": LIFECYCLE_HANDLER},
    "securityContext": {"allowPrivilegeEscalation": bool, "readOnlyRootFilesystem": bool,
                        "runAsNonRoot": bool, "runAsUser": int, "runAsGroup": int,
                        "privileged": bool, "seccompProfile": SECCOMP_PROFILE,
                        "capabilities": {"add": [str], "drop": [str]}},
}
POD_SPEC = {
    "containers": [CONTAINER], "terminationGracePeriodSeconds": int,
    "automountServiceAccountToken": bool, "serviceAccountName": str,
    "securityContext": {"runAsNonRoot": bool, "runAsUser": int, "runAsGroup": int,
                        "fsGroup": int, "seccompProfile": SECCOMP_PROFILE},
    "topologySpreadConstraints": [{"maxSkew": int, "topologyKey": str, "whenUnsatisfiable": str,
                                   "labelSelector": LABEL_SELECTOR}],
}
HPA_RULES = {"stabilizationWindowSeconds": int, "selectPolicy": str,
             "policies": [{"type": str, "value": int, "periodSeconds": int}]}
SCHEMAS = {
    ("apps/v1", "Deployment"): {
        "replicas": int, "revisionHistoryLimit": int, "minReadySeconds": int,
        "progressDeadlineSeconds": int, "selector": LABEL_SELECTOR,
        "strategy": {"type": str, "rollingUpdate": {"maxSurge": "int|str", "maxUnavailable": "int|str"}},
        "template": {"metadata": OBJECT_META, "spec": POD_SPEC},
    },
    ("v1", "Service"): {
        "type": str, "selector": "map", "sessionAffinity": str, "externalTrafficPolicy": str,
        "ports": [{"name": str, "port": int, "targetPort": "int|str", "protocol": str}],
    },
    ("policy/v1", "PodDisruptionBudget"): {
        "maxUnavailable": "int|str", "minAvailable": "int|str", "selector": LABEL_SELECTOR,
    },
    ("autoscaling/v2", "HorizontalPodAutoscaler"): {
        "scaleTargetRef": {"apiVersion": str, "kind": str, "name": str},
        "minReplicas": int, "maxReplicas": int,
        "metrics": [{"type": str, "resource": {"name": str, "target": {
            "type": str, "averageUtilization": int, "averageValue": "int|str", "value": "int|str"}}}],
        "behavior": {"scaleUp": HPA_RULES, "scaleDown": HPA_RULES},
    },
}
KUSTOMIZATION = {"apiVersion": str, "kind": str, "namespace": str, "resources": [str],
                 "images": [{"name": str, "newName": str, "newTag": str, "digest": str}]}

passed = 0
failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL  {what}{': ' + detail if detail else ''}")


def walk(value, schema, where):
    """Every field known, every value of its type; one check per object."""
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            check(where, False, f"an object expected, got {value!r}")
            return
        unknown = sorted(set(value) - set(schema))
        check(f"{where}: known fields", not unknown, f"unknown {unknown}")
        for key, sub in value.items():
            if key in schema:
                walk(sub, schema[key], f"{where}.{key}")
    elif isinstance(schema, list):
        check(f"{where}: a list", isinstance(value, list), repr(value))
        for i, item in enumerate(value if isinstance(value, list) else []):
            walk(item, schema[0], f"{where}[{i}]")
    elif schema == "map":
        check(f"{where}: strings to strings", isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()), repr(value))
    elif schema == "quantities":
        check(f"{where}: quantities", isinstance(value, dict) and all(
            isinstance(v, (str, int)) and re.fullmatch(r"[0-9.]+(m|Ki|Mi|Gi)?", str(v))
            for v in value.values()), repr(value))
    elif schema == "int|str":
        check(f"{where}: an integer or a string", isinstance(value, (int, str)), repr(value))
    elif schema is int:  # bool is an int to Python, not to Kubernetes
        check(f"{where}: an integer", isinstance(value, int) and not isinstance(value, bool), repr(value))
    else:
        check(f"{where}: a {schema.__name__}", isinstance(value, schema), repr(value))


def dockerfile_final_stage():
    """Instruction -> arguments of the last stage (continuations joined)."""
    text = (ROOT / "docker" / "Dockerfile").read_text()
    text = re.sub(r"\\\n\s*", "", text)
    stage = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stage = {}
        stage[word.upper()] = rest.strip()
    return stage


def quantity(q):
    """A CPU or memory quantity in base units (cores, MiB)."""
    q = str(q)
    for suffix, scale in (("m", 0.001), ("Ki", 1 / 1024), ("Mi", 1), ("Gi", 1024)):
        if q.endswith(suffix):
            return float(q[: -len(suffix)]) * scale
    return float(q)


def main():
    image = dockerfile_final_stage()
    entrypoint = json.loads(image.get("ENTRYPOINT", "null"))
    cmd = json.loads(image.get("CMD", "null"))
    check("Dockerfile: exec-form ENTRYPOINT is the server", entrypoint == [SERVER], repr(entrypoint))
    check("Dockerfile: CMD is --host 0.0.0.0 --port 2323 --http-port 8080", cmd == SERVER_ARGS, repr(cmd))
    check("Dockerfile: EXPOSE 2323 8080", image.get("EXPOSE") == f"{PORT} {HTTP_PORT}", repr(image.get("EXPOSE")))
    user = image.get("USER", "")
    check("Dockerfile: a numeric non-root USER uid:gid", re.fullmatch(r"[1-9][0-9]*:[1-9][0-9]*", user) is not None,
          repr(user))
    uid = int(user.split(":")[0]) if user[:1].isdigit() else -1
    check("Dockerfile: HEALTHCHECK asks 'cat face' with the client",
          re.search(rf"CMD {CLIENT} --port .* cat face ", image.get("HEALTHCHECK", "")) is not None,
          repr(image.get("HEALTHCHECK")))

    docs = {}
    files = sorted(K8S.glob("*.yaml"))
    check("deploy/kubernetes: five manifests",
          [f.name for f in files] == ["deployment.yaml", "hpa.yaml", "kustomization.yaml", "pdb.yaml", "service.yaml"],
          repr([f.name for f in files]))
    for f in files:
        for doc in yaml.safe_load_all(f.read_text()):
            kind = (doc.get("apiVersion"), doc.get("kind"))
            check(f"{f.name}: a known apiVersion and kind", kind in SCHEMAS or f.name == "kustomization.yaml",
                  repr(kind))
            check(f"{f.name}: one object of each kind", kind not in docs, repr(kind))
            docs[kind] = doc
            if kind in SCHEMAS:
                walk(doc, {"apiVersion": str, "kind": str, "metadata": OBJECT_META, "spec": SCHEMAS[kind]},
                     f"{f.name}:{kind[1]}")
                check(f"{f.name}: named mojifinder, labelled", doc["metadata"].get("name") == "mojifinder"
                      and doc["metadata"].get("labels") == LABELS, repr(doc["metadata"]))

    if failed:  # the values below assume the structure
        print(f"{passed} passed, {failed} failed")
        return 1

    dep = docs[("apps/v1", "Deployment")]["spec"]
    pod = dep["template"]["spec"]
    (c,) = pod["containers"]
    check("Deployment: at least 2 replicas", dep["replicas"] >= 2, repr(dep["replicas"]))
    check("Deployment: the selector matches the pod labels",
          dep["selector"] == {"matchLabels": LABELS} and dep["template"]["metadata"]["labels"] == LABELS)
    check("Deployment: the rolling update never lowers capacity",
          dep["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
          repr(dep["strategy"]))
    check("Deployment: the server's arguments are the image's CMD", c["args"] == cmd, repr(c["args"]))
    check("Deployment: the image is the one kustomization.yaml sets", c["image"].split(":")[0] == "mojifinder",
          repr(c["image"]))
    check("Deployment: container ports 2323/TCP named mojifinder and 8080/TCP named http",
          c["ports"] == [{"name": "mojifinder", "containerPort": PORT, "protocol": "TCP"},
                         {"name": "http", "containerPort": HTTP_PORT, "protocol": "TCP"}], repr(c["ports"]))
    query = [CLIENT, "--port", str(PORT), "cat", "face"]
    check("Deployment: the readiness probe is HTTP GET /healthz on the port named http",
          c["readinessProbe"].get("httpGet") == {"path": "/healthz", "port": "http"}
          and "exec" not in c["readinessProbe"], repr(c["readinessProbe"]))
    annotations = dep["template"]["metadata"].get("annotations", {})
    check("Deployment: the pods ask to be scraped at :8080/metrics",
          annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": str(HTTP_PORT),
                          "prometheus.io/path": "/metrics"}, repr(annotations))
    live = c["livenessProbe"]["exec"]["command"]
    check("Deployment: the liveness probe runs a real query and takes 'server busy' as alive",
          live[:2] == ["/bin/sh", "-c"] and f"{' '.join(query)} 2>&1 >/dev/null" in live[2]
          and '*"server busy"*) exit 0' in live[2], repr(live))
    res = c["resources"]
    check("Deployment: requests at most the limits",
          all(quantity(res["requests"][r]) <= quantity(res["limits"][r]) for r in ("cpu", "memory")), repr(res))
    check("Deployment: the memory limit holds the RSS at the default --max-connections",
          quantity(res["limits"]["memory"]) >= 2 * RSS_AT_MAX_CONNECTIONS_MI, repr(res["limits"]))
    check("Deployment: at most one CPU (one event-loop thread)", quantity(res["limits"]["cpu"]) == 1,
          repr(res["limits"]))
    check("Deployment: runs as the image's non-root user",
          pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == uid,
          repr(pod["securityContext"]))
    pre_stop = c["lifecycle"]["preStop"]["sleep"]["seconds"]
    check("Deployment: the grace period covers preStop and the drain",
          pod["terminationGracePeriodSeconds"] >= pre_stop + DRAIN_SECONDS + 5,
          f"{pod['terminationGracePeriodSeconds']} s for {pre_stop} s + {DRAIN_SECONDS} s")

    svc = docs[("v1", "Service")]["spec"]
    check("Service: selects the pods", svc["selector"] == LABELS, repr(svc["selector"]))
    check("Service: TCP 2323 and 80 to the container's ports mojifinder and http",
          svc["ports"] == [{"name": "mojifinder", "port": PORT, "targetPort": "mojifinder", "protocol": "TCP"},
                           {"name": "http", "port": SERVICE_HTTP_PORT, "targetPort": "http", "protocol": "TCP"}],
          repr(svc["ports"]))

    pdb = docs[("policy/v1", "PodDisruptionBudget")]["spec"]
    check("PodDisruptionBudget: one replica at a time, of these pods",
          pdb == {"maxUnavailable": 1, "selector": {"matchLabels": LABELS}}, repr(pdb))

    hpa = docs[("autoscaling/v2", "HorizontalPodAutoscaler")]["spec"]
    check("HPA: scales the Deployment",
          hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "mojifinder"},
          repr(hpa["scaleTargetRef"]))
    check("HPA: from the Deployment's replicas up", hpa["minReplicas"] == dep["replicas"] < hpa["maxReplicas"],
          f"{hpa['minReplicas']}..{hpa['maxReplicas']}")
    check("HPA: on CPU utilization (the pods request CPU)",
          [m["type"] for m in hpa["metrics"]] == ["Resource"]
          and hpa["metrics"][0]["resource"]["name"] == "cpu"
          and hpa["metrics"][0]["resource"]["target"]["type"] == "Utilization"
          and 0 < hpa["metrics"][0]["resource"]["target"]["averageUtilization"] <= 100
          and "cpu" in res["requests"], repr(hpa["metrics"]))

    kus = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    walk(kus, KUSTOMIZATION, "kustomization.yaml")
    check("kustomization.yaml: every other manifest, once",
          sorted(kus["resources"]) == sorted(f.name for f in files if f.name != "kustomization.yaml"),
          repr(kus["resources"]))
    check("kustomization.yaml: sets the Deployment's image",
          [i["name"] for i in kus["images"]] == [c["image"].split(":")[0]], repr(kus["images"]))

    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    (name,) = compose["services"]
    svc = compose["services"][name]
    build = svc["build"]
    check("compose.yaml: builds docker/Dockerfile from the repository",
          (ROOT / "docker" / build["context"]).resolve() == ROOT and build["dockerfile"] == "docker/Dockerfile",
          repr(build))
    check("compose.yaml: publishes TCP 2323 and 8080",
          svc["ports"] == [f"{PORT}:{PORT}/tcp", f"{HTTP_PORT}:{HTTP_PORT}/tcp"], repr(svc["ports"]))
    check("compose.yaml: the server's arguments are the image's CMD", svc["command"] == cmd, repr(svc["command"]))
    check("compose.yaml: restarts unless stopped", svc["restart"] == "unless-stopped", repr(svc["restart"]))
    check("compose.yaml: the health check asks 'cat face' with the client",
          svc["healthcheck"]["test"] == ["CMD-SHELL", f"{' '.join(query)} >/dev/null || exit 1"],
          repr(svc["healthcheck"]))
    grace = svc["stop_grace_period"]
    check("compose.yaml: SIGTERM, and time for the drain",
          svc["stop_signal"] == "SIGTERM" and re.fullmatch(r"[0-9]+s", grace) is not None
          and int(grace[:-1]) > DRAIN_SECONDS, repr(grace))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
