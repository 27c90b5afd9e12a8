#!/usr/bin/python3
"""Writes deploy/kubernetes/mobility-office.yaml: Mobility Office on Kubernetes.

Every service and the gateway as a Deployment of two replicas (gRPC readiness probes, resources,
non-root, read-only root file system), a PodDisruptionBudget each, NetworkPolicies (only the
gateway, and the EWP endpoints partners call, are reachable from outside; the services only from
each other), a migration Job, the Secrets the keys and database URLs go in, and PostgreSQL as a
CloudNativePG cluster of three with synchronous replication. The services are reached by headless
Services, so each caller's channel sees every replica and spreads its calls round robin.

    deploy/kubernetes/render.py > deploy/kubernetes/mobility-office.yaml

tests/kubernetes_test.py checks the file is what this writes, and the properties above.
"""
import sys

import yaml

NAMESPACE = "mobility-office"
IMAGE = "registry.example.kz/mobility-office/{name}:1.0.0"  # As deploy/images.sh builds them.
USER = 65532  # The images' non-root user.
SCHEMAS = ["agreements", "applications", "grants", "inquiries", "ewp"]
# name: gRPC port, metrics port, what else it reaches, arguments of its own.
SERVICES = {
    "agreements": (50051, 9151, [], []),
    "applications": (50052, 9152, ["agreements", "grants"], ["--agreements_address=dns:///agreements:50051",
                                                             "--grants_address=dns:///grants:50053"]),
    "grants": (50053, 9153, ["agreements"], ["--agreements_address=dns:///agreements:50051"]),
    "inquiries": (50054, 9154, [], []),
    "ewp": (50055, 9155, ["agreements"], ["--agreements_address=dns:///agreements:50051",
                                          "--http_listen=0.0.0.0:8090"]),
}
GATEWAY_PORT, GATEWAY_METRICS = 8080, 9180
EWP_HTTP = 8090


def labels(name, tier):
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": NAMESPACE,
            "mobility-office/tier": tier}


def meta(name, tier=None, **extra):
    out = {"name": name, "namespace": NAMESPACE}
    if tier:
        out["labels"] = labels(name, tier)
    out.update(extra)
    return out


def hardened(container):
    container["securityContext"] = {
        "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
        "runAsNonRoot": True, "runAsUser": USER, "runAsGroup": USER,
        "capabilities": {"drop": ["ALL"]}}
    return container


def pod_spec(containers, grace):
    return {
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "terminationGracePeriodSeconds": grace,
        "securityContext": {"runAsNonRoot": True, "runAsUser": USER, "runAsGroup": USER,
                            "fsGroup": USER, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": containers,
        "volumes": [{"name": "keys", "secret": {"secretName": "mobility-keys"}},
                    {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
    }


def mounts():
    return [{"name": "keys", "mountPath": "/etc/mobility/keys", "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"}]


def database_env(schema):
    return {"name": "DATABASE_URL",
            "valueFrom": {"secretKeyRef": {"name": f"mobility-database-{schema}", "key": "url"}}}


def service_token(name):
    """The service's own identity, for the calls it makes on its own authority."""
    if name not in ("applications", "grants", "ewp", "gateway"):
        return []
    return [{"name": "MOBILITY_SERVICE_TOKEN_FILE", "value": f"/etc/mobility/keys/{name}-service.token"}]


def service_documents(name):
    grpc, metrics, _, args = SERVICES[name]
    container = hardened({
        "name": name,
        "image": IMAGE.format(name=name),
        "args": [f"--listen=0.0.0.0:{grpc}", f"--metrics_listen=0.0.0.0:{metrics}"] + args,
        "envFrom": [{"configMapRef": {"name": "mobility-settings"}}],
        "env": [database_env(name)] + service_token(name),
        "ports": [{"name": "grpc", "containerPort": grpc}, {"name": "metrics", "containerPort": metrics}]
        + ([{"name": "ewp-http", "containerPort": EWP_HTTP}] if name == "ewp" else []),
        # Ready while its database answers (the gRPC health service); alive while it listens, so
        # an outage of the database takes it out of the balance without restarting it.
        "readinessProbe": {"grpc": {"port": grpc}, "periodSeconds": 5, "failureThreshold": 2},
        "livenessProbe": {"tcpSocket": {"port": grpc}, "periodSeconds": 10, "failureThreshold": 6},
        "resources": {"requests": {"cpu": "250m", "memory": "64Mi"},
                      "limits": {"cpu": "2", "memory": "512Mi"}},
        "volumeMounts": mounts(),
    })
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name, "service"),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            # One replica at a time, and none stopped before its successor is ready: with the
            # replicas' own drain (--drain_seconds) no call is lost (tests/replicas_e2e_test.cc).
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "minReadySeconds": 5,
            "template": {
                "metadata": {"labels": labels(name, "service")},
                # Drain 5 s and grace 20 s, with room to spare.
                "spec": pod_spec([container], grace=40)}}}
    ports = [{"name": "grpc", "port": grpc, "targetPort": "grpc"}]
    if name == "ewp":
        ports.append({"name": "ewp-http", "port": EWP_HTTP, "targetPort": "ewp-http"})
    service = {
        "apiVersion": "v1", "kind": "Service", "metadata": meta(name, "service"),
        # Headless: a caller's channel resolves every replica and balances itself.
        "spec": {"clusterIP": "None", "selector": {"app.kubernetes.io/name": name}, "ports": ports}}
    return [deployment, service, disruption_budget(name)]


def disruption_budget(name):
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(name),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": name}}}}


def gateway_documents():
    container = hardened({
        "name": "gateway",
        "image": IMAGE.format(name="gateway"),
        # The image says where its pages are (MOBILITY_STATIC_DIR, deploy/images.sh).
        "args": [f"--listen=0.0.0.0:{GATEWAY_PORT}", f"--metrics_listen=0.0.0.0:{GATEWAY_METRICS}"]
        + [f"--{s}_address=dns:///{s}:{SERVICES[s][0]}" for s in SCHEMAS],
        "envFrom": [{"configMapRef": {"name": "mobility-settings"}}],
        "env": service_token("gateway"),
        "ports": [{"name": "http", "containerPort": GATEWAY_PORT},
                  {"name": "metrics", "containerPort": GATEWAY_METRICS}],
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 5},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
        "resources": {"requests": {"cpu": "250m", "memory": "64Mi"},
                      "limits": {"cpu": "2", "memory": "512Mi"}},
        "volumeMounts": mounts(),
    })
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("gateway", "gateway"),
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app.kubernetes.io/name": "gateway"}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                 "minReadySeconds": 5,
                 "template": {"metadata": {"labels": labels("gateway", "gateway")},
                              "spec": pod_spec([container], grace=30)}}}
    service = {"apiVersion": "v1", "kind": "Service", "metadata": meta("gateway", "gateway"),
               "spec": {"selector": {"app.kubernetes.io/name": "gateway"},
                        "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}
    return [deployment, service, disruption_budget("gateway")]


def network_policies():
    tier = lambda t: {"podSelector": {"matchLabels": {"mobility-office/tier": t}}}
    prometheus = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    docs = [
        # Nothing reaches a pod of the namespace unless a policy below lets it.
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("default-deny"),
         "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}},
        # The gateway from anywhere, on its HTTP port.
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("gateway-from-anywhere"),
         "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "gateway"}},
                  "policyTypes": ["Ingress"],
                  "ingress": [{"ports": [{"port": GATEWAY_PORT, "protocol": "TCP"}]}]}},
        # The partners' systems reach the EWP endpoints (the network's own signed protocol).
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("ewp-endpoints-from-anywhere"),
         "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "ewp"}},
                  "policyTypes": ["Ingress"],
                  "ingress": [{"ports": [{"port": EWP_HTTP, "protocol": "TCP"}]}]}},
        # Metrics ports from the monitoring namespace only: they carry no token check.
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("metrics-from-monitoring"),
         "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": NAMESPACE}},
                  "policyTypes": ["Ingress"],
                  "ingress": [{"from": [prometheus],
                               "ports": [{"port": m, "protocol": "TCP"}
                                         for m in [SERVICES[s][1] for s in SCHEMAS] + [GATEWAY_METRICS]]}]}},
    ]
    for name, (grpc, _, _, _) in SERVICES.items():
        callers = [tier("gateway")] + [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": c}}}
                                       for c, (_, _, reaches, _) in SERVICES.items() if name in reaches]
        docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                     "metadata": meta(f"{name}-from-callers"),
                     "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
                              "policyTypes": ["Ingress"],
                              "ingress": [{"from": callers, "ports": [{"port": grpc, "protocol": "TCP"}]}]}})
    # The database from the services, the migration job and its own members; the operator.
    docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("database-from-services"),
                 "spec": {"podSelector": {"matchLabels": {"cnpg.io/cluster": "mobility-db"}},
                          "policyTypes": ["Ingress"],
                          "ingress": [
                              {"from": [tier("service"), tier("migration"),
                                        {"podSelector": {"matchLabels": {"cnpg.io/cluster": "mobility-db"}}}],
                               "ports": [{"port": 5432, "protocol": "TCP"}]},
                              # The operator asks each member its status.
                              {"from": [{"namespaceSelector": {"matchLabels": {
                                  "kubernetes.io/metadata.name": "cnpg-system"}}}],
                               "ports": [{"port": 8000, "protocol": "TCP"}]}]}})
    return docs


def migration_job():
    containers = [hardened({
        "name": schema, "image": IMAGE.format(name=schema),
        "args": ["--migrate_only"], "envFrom": [{"configMapRef": {"name": "mobility-settings"}}],
        "env": [database_env(schema)],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
        "volumeMounts": mounts()}) for schema in SCHEMAS]
    spec = pod_spec(containers, grace=30)
    spec["restartPolicy"] = "OnFailure"
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("migrate", "migration"),
            "spec": {"backoffLimit": 3, "ttlSecondsAfterFinished": 86400,
                     "template": {"metadata": {"labels": labels("migrate", "migration")}, "spec": spec}}}


def secrets_and_settings():
    keys = {"apiVersion": "v1", "kind": "Secret", "metadata": meta("mobility-keys"), "type": "Opaque",
            # Filled from the keys your identity provider and deploy/run.sh's key steps make.
            "stringData": {f: "REPLACE" for f in [
                "jwt-public.pem", "applicant-jwt-public.pem", "applicant-signing.pem",
                "internal-jwt-public.pem", "ewp-token-public.pem", "ewp-token.pem",
                "ewp-client.pem", "ewp-server.pem", "page-token.key",
                "applications-service.token", "grants-service.token", "ewp-service.token",
                "gateway-service.token"]}}
    docs = [keys]
    for schema in SCHEMAS:
        docs.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta(f"mobility-database-{schema}"),
                     "type": "Opaque",
                     "stringData": {"url": f"postgresql://mobility_{schema}:REPLACE@mobility-db-rw:5432/mobility"}})
        docs.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta(f"mobility-db-role-{schema}"),
                     "type": "kubernetes.io/basic-auth",
                     "stringData": {"username": f"mobility_{schema}", "password": "REPLACE"}})
    k = "/etc/mobility/keys/"
    docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("mobility-settings"), "data": {
        "MOBILITY_JWT_PUBLIC_KEY_FILE": k + "jwt-public.pem",
        "MOBILITY_APPLICANT_JWT_PUBLIC_KEY_FILE": k + "applicant-jwt-public.pem",
        "MOBILITY_APPLICANT_SIGNING_KEY_FILE": k + "applicant-signing.pem",
        "MOBILITY_INTERNAL_JWT_PUBLIC_KEY_FILE": k + "internal-jwt-public.pem",
        "MOBILITY_EWP_JWT_PUBLIC_KEY_FILE": k + "ewp-token-public.pem",
        "MOBILITY_EWP_TOKEN_KEY_FILE": k + "ewp-token.pem",
        "MOBILITY_EWP_CLIENT_KEY_FILE": k + "ewp-client.pem",
        "MOBILITY_EWP_SERVER_KEY_FILE": k + "ewp-server.pem",
        "MOBILITY_PAGE_TOKEN_KEY_FILE": k + "page-token.key",
        "MOBILITY_INSTITUTION": "institutions/kokshetau-amu",
        "MOBILITY_PUBLIC_URL": "https://mobility.example.kz",
        "MOBILITY_EWP_PUBLIC_URL": "https://ewp.mobility.example.kz",
        "MOBILITY_EWP_HEI_ID": "kuam.kz",
        "MOBILITY_TIME_ZONE": "Asia/Almaty"}})
    return docs


def database():
    schema_sql = []
    for schema in SCHEMAS:
        role = f"mobility_{schema}"
        # The role first: the operator sets its password once the cluster runs.
        schema_sql += [f"CREATE ROLE {role} LOGIN",
                       f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {role}",
                       f"GRANT CONNECT ON DATABASE mobility TO {role}"]
    return {
        "apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": meta("mobility-db"),
        "spec": {
            "instances": 3,
            # An acknowledged commit is on two members.
            "minSyncReplicas": 1, "maxSyncReplicas": 1,
            "imageName": "ghcr.io/cloudnative-pg/postgresql:15",
            "storage": {"size": "20Gi"},
            "bootstrap": {"initdb": {"database": "mobility", "owner": "mobility_owner",
                                     "postInitApplicationSQL": ["REVOKE ALL ON DATABASE mobility FROM PUBLIC"]
                                     + schema_sql}},
            # One login role per service, owning its schema and nothing else (ENGINEERING.md).
            "managed": {"roles": [{"name": f"mobility_{s}", "ensure": "present", "login": True,
                                   "passwordSecret": {"name": f"mobility-db-role-{s}"}} for s in SCHEMAS]},
        }}


def main():
    docs = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}]
    docs += secrets_and_settings()
    docs.append(database())
    docs.append(migration_job())
    for name in SERVICES:
        docs += service_documents(name)
    docs += gateway_documents()
    docs += network_policies()
    sys.stdout.write("# Written by deploy/kubernetes/render.py: change that, not this.\n")
    sys.stdout.write(yaml.safe_dump_all(docs, sort_keys=False, width=120))


if __name__ == "__main__":
    main()
