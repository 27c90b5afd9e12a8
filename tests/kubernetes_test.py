#!/usr/bin/python3
"""Issue 26's Kubernetes manifests, held to their rules: deploy/kubernetes/mobility-office.yaml is
what render.py writes, every Deployment runs two non-root replicas on a read-only root file
system with probes, resources and a PodDisruptionBudget, only the gateway (and the EWP endpoints)
can be reached from outside and each service only from its callers, the migration Job migrates
every schema, every Secret and ConfigMap referred to exists, and PostgreSQL commits on two
members. Run by CTest; exits 1 naming each rule broken."""
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "deploy/kubernetes/mobility-office.yaml")
SCHEMAS = ["agreements", "applications", "grants", "inquiries", "ewp"]
problems = []


def check(holds, what):
    if not holds:
        problems.append(what)


with open(MANIFEST) as f:
    text = f.read()
rendered = subprocess.run([sys.executable, os.path.join(ROOT, "deploy/kubernetes/render.py")],
                          check=True, capture_output=True, text=True).stdout
check(text == rendered, "mobility-office.yaml differs from what render.py writes")
docs = [d for d in yaml.safe_load_all(text) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], []).append(d)
    if d["kind"] != "Namespace":
        check(d["metadata"].get("namespace") == "mobility-office", f"{d['kind']} {d['metadata']['name']}: namespace")
names = lambda kind: {d["metadata"]["name"] for d in by_kind.get(kind, [])}


def containers_of(pod_spec):
    return pod_spec.get("initContainers", []) + pod_spec["containers"]


def check_pod(owner, spec):
    security = spec.get("securityContext", {})
    check(security.get("runAsNonRoot") is True and security.get("runAsUser", 0) != 0, f"{owner}: pod not non-root")
    check(spec.get("automountServiceAccountToken") is False, f"{owner}: mounts a service account token")
    for c in containers_of(spec):
        where = f"{owner}/{c['name']}"
        sc = c.get("securityContext", {})
        check(sc.get("readOnlyRootFilesystem") is True, f"{where}: root file system writable")
        check(sc.get("allowPrivilegeEscalation") is False, f"{where}: may escalate privileges")
        check(sc.get("capabilities", {}).get("drop") == ["ALL"], f"{where}: keeps capabilities")
        check(sc.get("runAsNonRoot") is True, f"{where}: not non-root")
        resources = c.get("resources", {})
        check("requests" in resources and "memory" in resources.get("limits", {}), f"{where}: resources")
        check(not c["image"].endswith(":latest") and ":" in c["image"], f"{where}: image without a fixed tag")
        for ref in c.get("envFrom", []):
            check(ref["configMapRef"]["name"] in names("ConfigMap"), f"{where}: no ConfigMap {ref}")
        for env in c.get("env", []):
            secret = env.get("valueFrom", {}).get("secretKeyRef")
            if secret:
                check(secret["name"] in names("Secret"), f"{where}: no Secret {secret['name']}")
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            check(volume["secret"]["secretName"] in names("Secret"), f"{owner}: no Secret for {volume['name']}")


deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
check(set(deployments) == set(SCHEMAS) | {"gateway"}, f"Deployments: {sorted(deployments)}")
budgets = {tuple(sorted(p["spec"]["selector"]["matchLabels"].items())): p for p in by_kind.get("PodDisruptionBudget", [])}
for name, d in deployments.items():
    spec = d["spec"]
    check(spec["replicas"] >= 2, f"{name}: fewer than two replicas")
    check(spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0, f"{name}: a rollout may take replicas away first")
    pod = spec["template"]["spec"]
    check_pod(name, pod)
    container = pod["containers"][0]
    probe = container.get("readinessProbe", {})
    if name == "gateway":
        check(probe.get("httpGet", {}).get("path") == "/readyz", "gateway: readiness is not /readyz")
    else:
        check("grpc" in probe, f"{name}: readiness is not the gRPC health check")
        # Liveness must not follow the database, or an outage restarts every replica.
        check("grpc" not in container.get("livenessProbe", {}), f"{name}: liveness follows the database")
    check(pod["terminationGracePeriodSeconds"] >= 30, f"{name}: no time to drain")
    selector = tuple(sorted(spec["selector"]["matchLabels"].items()))
    budget = budgets.get(selector)
    check(budget is not None and budget["spec"].get("minAvailable", 0) >= 1, f"{name}: no PodDisruptionBudget")

# Services: the five headless (callers balance over every replica), the gateway's not.
services = {s["metadata"]["name"]: s for s in by_kind.get("Service", [])}
for name in SCHEMAS:
    check(services.get(name, {}).get("spec", {}).get("clusterIP") == "None", f"{name}: Service not headless")
for s in services.values():
    check(s["spec"].get("type", "ClusterIP") == "ClusterIP", f"{s['metadata']['name']}: exposed by its Service type")

# Network policies.
policies = by_kind.get("NetworkPolicy", [])
check(any(p["spec"]["podSelector"] == {} and "ingress" not in p["spec"] and p["spec"]["policyTypes"] == ["Ingress"]
          for p in policies), "no default deny of ingress")
open_ports = {}
for p in policies:
    selected = p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name", "*")
    for rule in p["spec"].get("ingress", []):
        check("ports" in rule, f"{p['metadata']['name']}: a rule opens every port")
        if not rule.get("from"):
            open_ports.setdefault(selected, set()).update(port["port"] for port in rule["ports"])
check(open_ports == {"gateway": {8080}, "ewp": {8090}}, f"reachable from anywhere: {open_ports}")
for name in SCHEMAS:
    grpc_port = int(next(a for a in deployments[name]["spec"]["template"]["spec"]["containers"][0]["args"]
                         if a.startswith("--listen=")).rsplit(":", 1)[1])
    rules = [r for p in policies
             if p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name") == name
             for r in p["spec"].get("ingress", []) if any(port["port"] == grpc_port for port in r["ports"])]
    check(len(rules) == 1 and all(r.get("from") for r in rules), f"{name}: gRPC port open beyond its callers")
for name, d in deployments.items():
    for arg in d["spec"]["template"]["spec"]["containers"][0]["args"]:
        if arg.startswith("--metrics_listen="):
            port = int(arg.rsplit(":", 1)[1])
            check(any(r.get("from") and all("namespaceSelector" in f for f in r["from"])
                      and any(pp["port"] == port for pp in r["ports"])
                      for p in policies for r in p["spec"].get("ingress", [])),
                  f"{name}: metrics port {port} not limited to the monitoring namespace")

# The migration Job migrates every schema, each with its own database role.
jobs = by_kind.get("Job", [])
check(len(jobs) == 1, "no migration Job")
if jobs:
    pod = jobs[0]["spec"]["template"]["spec"]
    check_pod("migrate", pod)
    migrated = {c["name"] for c in containers_of(pod) if "--migrate_only" in c.get("args", [])}
    check(migrated == set(SCHEMAS), f"migration Job migrates {sorted(migrated)}")

# PostgreSQL: three members, a commit acknowledged on two, a role per service.
clusters = by_kind.get("Cluster", [])
check(len(clusters) == 1, "no CloudNativePG Cluster")
if clusters:
    spec = clusters[0]["spec"]
    check(spec["instances"] >= 3, "fewer than three database members")
    check(spec.get("minSyncReplicas", 0) >= 1, "commits not synchronous on a second member")
    roles = {r["name"] for r in spec["managed"]["roles"]}
    check(roles == {f"mobility_{s}" for s in SCHEMAS}, f"database roles: {sorted(roles)}")
    for r in spec["managed"]["roles"]:
        check(r["passwordSecret"]["name"] in names("Secret"), f"{r['name']}: no password Secret")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{len(docs)} manifests hold their rules")
