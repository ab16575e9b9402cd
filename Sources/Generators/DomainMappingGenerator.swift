import PilotoConfig

/// `domain-mapping.yaml`: the `domains.cloudrun.com/v1` DomainMapping of `service.domain` to the service.
///
/// Domain mappings are a preview feature offered only in some regions; where they are not, the
/// general route is an external HTTPS load balancer with a serverless NEG (which is also what adds
/// a client-region header, see monitoring.country_header). The file says so at the top.
package enum DomainMappingGenerator {
    package static func generate(_ config: PilotoConfig) -> Artifact {
        var metadata = [YAMLEntry("name", .string(config.service.domain))]
        if let project = config.service.project {
            metadata.append(YAMLEntry("namespace", .string(project)))
        }
        metadata.append(YAMLEntry("labels", .map([
            YAMLEntry("cloud.googleapis.com/location", .string(config.service.region)),
        ])))
        let document: YAMLValue = .map([
            YAMLEntry("apiVersion", .string("domains.cloudrun.com/v1")),
            YAMLEntry("kind", .string("DomainMapping")),
            YAMLEntry("metadata", .map(metadata)),
            YAMLEntry("spec", .map([
                YAMLEntry("routeName", .string(config.service.name), comment: ["The Cloud Run service that serves the domain."]),
            ])),
        ])
        var out = GeneratedHeader.hashComment(config)
        out += """
            #
            # Domain mappings are in preview and not offered in every region. Equivalent command:
            #   gcloud beta run domain-mappings create --service \(config.service.name) --domain \(config.service.domain) --region \(config.service.region)
            # Where they are unavailable, put an external HTTPS load balancer with a serverless NEG in
            # front of the service instead. The domain must resolve: `.ia` is not a delegated TLD.

            """
        out += YAMLEmitter.emit(document)
        return Artifact(path: "domain-mapping.yaml", contents: out)
    }
}
