/// `network:` — how Cloud Run reaches a private VPC network (Memorystore Redis lives there).
package struct NetworkConfig: Sendable, Equatable {
    /// Direct VPC egress: the VPC network name. Nil when a connector is used.
    package var vpc: String?
    /// Direct VPC egress: the subnet name (defaults to the network name on Cloud Run).
    package var subnet: String?
    /// A Serverless VPC Access connector name, the older alternative to direct egress.
    package var connector: String?
    /// `private-ranges-only` (default) or `all-traffic`.
    package var egress: Egress

    package init(vpc: String?, subnet: String?, connector: String?, egress: Egress) {
        self.vpc = vpc
        self.subnet = subnet
        self.connector = connector
        self.egress = egress
    }

    package enum Egress: String, Sendable, Equatable, CaseIterable {
        case privateRangesOnly = "private-ranges-only"
        case allTraffic = "all-traffic"
    }
}
