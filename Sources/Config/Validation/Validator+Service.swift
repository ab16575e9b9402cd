/// `service:` rules: Cloud Run naming, the domain, the image registry.
extension Validator {
    mutating func checkService() {
        let service = config.service
        if !Self.isServiceName(service.name) {
            report(.error, at: "service.name",
                "invalid Cloud Run service name '\(service.name)': use lowercase letters, digits and hyphens, "
                    + "start with a letter, do not end with a hyphen, at most 49 characters")
        }
        if !Self.isHostname(service.domain) {
            report(.error, at: "service.domain", "invalid domain '\(service.domain)': expected a host name like app.example.com (no scheme, port or path)")
        }
        let image = service.image
        if image.hasPrefix("gcr.io/") || image.contains(".gcr.io/") {
            report(.error, at: "service.image",
                "gcr.io (Container Registry) is shut down; use Artifact Registry: REGION-docker.pkg.dev/PROJECT/REPO/IMAGE:TAG")
        } else if image.isEmpty || image.contains(where: { $0 == " " || $0 == "\t" }) {
            report(.error, at: "service.image", "invalid image reference '\(image)'")
        } else {
            let lastSegment = image.split(separator: "/").last.map(String.init) ?? image
            if image.contains("@sha256:") {
                // Pinned by digest.
            } else if !lastSegment.contains(":") {
                report(.warning, at: "service.image", "image '\(image)' has no tag; pin a tag or digest so deploys are repeatable")
            } else if lastSegment.hasSuffix(":latest") {
                report(.warning, at: "service.image", "image tag 'latest' is not pinned; use a version tag or a digest")
            }
        }
        if service.project.map({ !Self.isProjectID($0) }) ?? false {
            report(.error, at: "service.project",
                "invalid GCP project id '\(service.project ?? "")': 6–30 lowercase letters, digits and hyphens, starting with a letter")
        }
        if !Self.isRegion(service.region) {
            report(.error, at: "service.region", "invalid region '\(service.region)': expected a name like southamerica-east1")
        }
    }

    /// Cloud Run: `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 49 characters.
    static func isServiceName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 49, first >= "a", first <= "z",
            name.last != "-"
        else { return false }
        return name.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }

    /// RFC 1123 host name with at least two labels.
    static func isHostname(_ host: String) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard host.utf8.count <= 253, labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy {
                    ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
                }
        }
    }

    static func isProjectID(_ id: String) -> Bool {
        let count = id.unicodeScalars.count
        return (6...30).contains(count) && isServiceName(id)
    }

    /// `southamerica-east1`, `us-central1`: lowercase words, a hyphen, a digit at the end.
    static func isRegion(_ region: String) -> Bool {
        guard let last = region.unicodeScalars.last, last >= "0", last <= "9", region.contains("-") else { return false }
        return region.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }
}
