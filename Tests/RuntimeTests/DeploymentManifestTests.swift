import Foundation
import NashraOperations
import NashraRuntime
import TestSupport
import Testing
import Yams

/// The Kubernetes manifests (deploy/k8s) checked offline, as no schema validator (kubeconform) can be installed
/// here: every document parses and has its kind's required fields, and what refers to something names a thing
/// that exists (selectors and labels, config and secrets, services of StatefulSets, volumes, KEDA's targets).
@Suite("Kubernetes manifests and KEDA autoscaling") struct DeploymentManifestTests {
    typealias Object = [String: Any]

    let documents: [(file: String, object: Object)]

    /// The base (deploy/k8s), or the base with an overlay (deploy/k8s/OVERLAY) applied as kustomize would: its
    /// files added, and the objects its `$patch: delete` patches name taken out.
    init(overlay: String? = nil) throws {
        let base = TestEnvironment.repositoryRoot + "/deploy/k8s"
        var documents = try Self.load(base)
        if let overlay {
            let added = try Self.load(base + "/" + overlay)
            var deleted = Set<String>()
            for (file, object) in added where file == "kustomization.yaml" {
                for entry in object["patches"] as? [Object] ?? [] {
                    guard let text = entry["patch"] as? String, let patch = try Yams.load(yaml: text) as? Object,
                        patch["$patch"] as? String == "delete"
                    else { continue }
                    deleted.insert("\(patch["kind"] ?? "")/\(((patch["metadata"] as? Object)?["name"]) ?? "")")
                }
            }
            documents = documents.filter { !deleted.contains("\($0.1["kind"] ?? "")/\(Self.name($0.1) ?? "")") }
            documents += added.map { ($0.0 == "kustomization.yaml" ? overlay + "/" + $0.0 : $0.0, $0.1) }
        }
        self.documents = documents
    }

    static func load(_ directory: String) throws -> [(String, Object)] {
        var documents: [(String, Object)] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        where file.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                documents.append((file, try #require(document as? Object, "\(file): a document is not a mapping")))
            }
        }
        return documents
    }

    static func name(_ object: Object) -> String? { (object["metadata"] as? Object)?["name"] as? String }

    func objects(_ kind: String) -> [Object] { documents.map(\.object).filter { $0["kind"] as? String == kind } }
    func name(_ object: Object) -> String? { Self.name(object) }
    func path(_ object: Any?, _ keys: String...) -> Any? {
        keys.reduce(object) { ($0 as? Object)?[$1] }
    }

    @Test("every document has apiVersion, kind and a name; the kustomization lists every file")
    func requiredFields() throws {
        #expect(documents.count > 10)
        for (file, object) in documents {
            #expect(object["apiVersion"] is String, "\(file): apiVersion")
            #expect(object["kind"] is String, "\(file): kind")
            if object["kind"] as? String != "Kustomization" { #expect(name(object) != nil, "\(file): metadata.name") }
        }
        let kustomization = try #require(objects("Kustomization").first)
        let listed = Set(kustomization["resources"] as? [String] ?? [])
        let files = Set(documents.map(\.file)).subtracting(["kustomization.yaml"])
        #expect(listed == files)
    }

    @Test("workloads: selectors match labels, containers have images and /health probes, config exists")
    func workloads() throws {
        #expect(Set(objects("Deployment").compactMap(name)) == ["fetcher", "parser", "classifier"])
        #expect(Set(objects("StatefulSet").compactMap(name)) == ["frontier", "store", "rabbitmq"])
        try checkWorkloads()
    }

    func checkWorkloads() throws {
        let configMaps = Set(objects("ConfigMap").compactMap(name))
        let secrets = Set(objects("Secret").compactMap(name))
        let workloads = objects("Deployment") + objects("StatefulSet")
        for workload in workloads {
            let workloadName = name(workload) ?? "?"
            let selector = try #require(path(workload, "spec", "selector", "matchLabels") as? [String: String])
            let labels = try #require(path(workload, "spec", "template", "metadata", "labels") as? [String: String])
            #expect(selector.allSatisfy { labels[$0.key] == $0.value }, "\(workloadName): selector matches labels")
            let containers = try #require(path(workload, "spec", "template", "spec", "containers") as? [Object])
            for container in containers {
                #expect(container["name"] is String && container["image"] is String, "\(workloadName): name, image")
                for reference in container["envFrom"] as? [Object] ?? [] {
                    if let map = path(reference, "configMapRef", "name") as? String {
                        #expect(configMaps.contains(map), "\(workloadName): ConfigMap \(map) exists")
                    }
                    if let secret = path(reference, "secretRef", "name") as? String {
                        #expect(secrets.contains(secret), "\(workloadName): Secret \(secret) exists")
                    }
                }
                guard container["image"] as? String == "nashra" else { continue }
                let ports = Set((container["ports"] as? [Object] ?? []).compactMap { $0["name"] as? String })
                for probe in ["readinessProbe", "livenessProbe"] {
                    #expect(
                        path(container, probe, "httpGet", "path") as? String == "/health",
                        "\(workloadName) \(probe)"
                    )
                    let port = path(container, probe, "httpGet", "port") as? String ?? ""
                    #expect(ports.contains(port), "\(workloadName) \(probe) uses a declared port")
                }
            }
        }
    }

    @Test("single-instance stages are StatefulSets of one with their own volume and a service")
    func statefulSets() throws {
        checkStatefulSets()
        // The reader site reads SQLite beside its writer: same pod, same volume.
        let store = try #require(objects("StatefulSet").first { name($0) == "store" })
        let containers = path(store, "spec", "template", "spec", "containers") as? [Object] ?? []
        #expect(containers.compactMap { $0["args"] as? [String] } == [["nashra-store"], ["nashra-store", "web"]])
    }

    func checkStatefulSets() {
        let services = Set(objects("Service").compactMap(name))
        for set in objects("StatefulSet") {
            let setName = name(set) ?? "?"
            #expect(path(set, "spec", "replicas") as? Int == 1, "\(setName): one instance")
            #expect(services.contains(path(set, "spec", "serviceName") as? String ?? ""), "\(setName): its service")
            let claims = Set(
                (path(set, "spec", "volumeClaimTemplates") as? [Object] ?? []).compactMap { name($0) }
            )
            #expect(!claims.isEmpty, "\(setName): a volume of its own")
            let containers = path(set, "spec", "template", "spec", "containers") as? [Object] ?? []
            let volumes = Set(
                (path(set, "spec", "template", "spec", "volumes") as? [Object] ?? []).compactMap {
                    $0["name"] as? String
                }
            )
            for container in containers {
                for mount in container["volumeMounts"] as? [Object] ?? [] {
                    let volume = mount["name"] as? String ?? ""
                    #expect(claims.contains(volume) || volumes.contains(volume), "\(setName): volume \(volume)")
                }
            }
        }
    }

    @Test("KEDA scales each stateless stage on its own queue by length and by rate, over the management API")
    func scaledObjects() throws {
        let topology = Topology()
        try checkScaledObjects([
            "fetcher": topology.queue(.fetch), "parser": topology.queue(.pages),
            "classifier": topology.queue(.articles),
        ])
    }

    /// Each ScaledObject targets the Deployment of `queues`' key, on that key's queue.
    func checkScaledObjects(_ queues: [String: String]) throws {
        let topology = Topology()
        let deployments = Set(queues.keys)
        let authentications = Set(objects("TriggerAuthentication").compactMap(name))
        let secretKeys = Set(objects("Secret").flatMap { ($0["stringData"] as? Object)?.keys.map { $0 } ?? [] })
        for authentication in objects("TriggerAuthentication") {
            for reference in path(authentication, "spec", "secretTargetRef") as? [Object] ?? [] {
                #expect(secretKeys.contains(reference["key"] as? String ?? ""), "the secret key KEDA reads exists")
            }
        }
        let scaled = objects("ScaledObject")
        #expect(Set(scaled.compactMap { path($0, "spec", "scaleTargetRef", "name") as? String }) == deployments)
        for object in scaled {
            let target = try #require(path(object, "spec", "scaleTargetRef", "name") as? String)
            let triggers = try #require(path(object, "spec", "triggers") as? [Object])
            #expect(
                Set(triggers.compactMap { path($0, "metadata", "mode") as? String }) == ["QueueLength", "MessageRate"]
            )
            for trigger in triggers {
                #expect(trigger["type"] as? String == "rabbitmq")
                #expect(path(trigger, "metadata", "protocol") as? String == "http", "\(target): management API mode")
                #expect(path(trigger, "metadata", "queueName") as? String == queues[target], "\(target)'s own queue")
                #expect(Double(path(trigger, "metadata", "value") as? String ?? "") ?? 0 > 0, "\(target): a target")
                #expect(authentications.contains(path(trigger, "authenticationRef", "name") as? String ?? ""))
            }
            #expect(
                (path(object, "spec", "maxReplicaCount") as? Int ?? 0)
                    > (path(object, "spec", "minReplicaCount") as? Int ?? 0)
            )
            // The stage the deployment runs consumes that queue.
            let deployment = try #require(objects("Deployment").first { name($0) == target })
            let args = (path(deployment, "spec", "template", "spec", "containers") as? [Object])?.first?["args"]
            let service = ScalingAdvisor.service(
                of: try #require(Topology.Stage.allCases.first { topology.queue($0) == queues[target] })
            ).name
            #expect((args as? [String])?.joined(separator: " ") == service, "\(target) runs \(service)")
        }
    }
}

/// The PostgreSQL variant (deploy/k8s/postgres, a kustomize overlay of the base): the SQLite store's StatefulSet
/// and services gone, store writers and the reader site as Deployments reading NASHRA_DB from the PostgreSQL secret,
/// KEDA scaling the writers on the classified queue, PostgreSQL a StatefulSet of one with its volume.
@Suite("Kubernetes manifests, PostgreSQL variant") struct PostgresManifestTests {
    let manifests: DeploymentManifestTests

    init() throws {
        manifests = try DeploymentManifestTests(overlay: "postgres")
    }

    @Test("the overlay replaces the SQLite store by PostgreSQL, scalable writers and a separate reader site")
    func overlay() throws {
        let m = manifests
        #expect(Set(m.objects("Deployment").compactMap(m.name)) == ["fetcher", "parser", "classifier", "store", "web"])
        #expect(Set(m.objects("StatefulSet").compactMap(m.name)) == ["frontier", "rabbitmq", "postgres"])
        try m.checkWorkloads()
        m.checkStatefulSets()
        let topology = Topology()
        try m.checkScaledObjects([
            "fetcher": topology.queue(.fetch), "parser": topology.queue(.pages),
            "classifier": topology.queue(.articles), "store": topology.queue(.classified),
        ])
        let secret = try #require(m.objects("Secret").first { m.name($0) == "nashra-postgres" })
        let url = try #require(m.path(secret, "stringData", "NASHRA_DB") as? String)
        #expect(url.hasPrefix("postgres://") && url.contains("@postgres:5432/"))
        for deployment in ["store", "web"] {
            let object = try #require(m.objects("Deployment").first { m.name($0) == deployment })
            let container = try #require(
                (m.path(object, "spec", "template", "spec", "containers") as? [[String: Any]])?.first
            )
            let sources = (container["envFrom"] as? [[String: Any]] ?? []).map {
                (m.path($0, "configMapRef", "name") ?? m.path($0, "secretRef", "name")) as? String ?? ""
            }
            #expect(
                sources.last == "nashra-postgres",
                "\(deployment): NASHRA_DB from the secret wins over the ConfigMap"
            )
        }
        // The reader's service reaches the web Deployment, not the writers.
        let service = try #require(m.objects("Service").first { m.name($0) == "web" })
        let web = try #require(m.objects("Deployment").first { m.name($0) == "web" })
        let selector = try #require(m.path(service, "spec", "selector") as? [String: String])
        let labels = try #require(m.path(web, "spec", "template", "metadata", "labels") as? [String: String])
        #expect(selector.allSatisfy { labels[$0.key] == $0.value })
        let kustomization = try #require(m.objects("Kustomization").last)
        #expect(
            Set(kustomization["resources"] as? [String] ?? []) == [
                "../", "postgres.yaml", "store.yaml", "keda-store.yaml",
            ]
        )
    }
}
