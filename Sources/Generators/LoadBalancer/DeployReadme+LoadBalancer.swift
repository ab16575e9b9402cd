import PilotoConfig

/// The load balancer's part of `README.md`: the apply order that makes the domain work.
///
/// The order matters: the NEG names a service that must exist, the certificate is issued only
/// once DNS points at the load balancer's address, and until then HTTPS fails its handshake.
extension DeployReadmeGenerator {
    /// Empty unless `edge.mode` is `load_balancer`.
    static func loadBalancerSteps(_ config: PilotoConfig) -> String {
        guard config.edge.mode == .loadBalancer else { return "" }
        let out = DeployFacts.outDirectory(config)
        let project = config.service.project ?? "PROJECT"
        let domain = config.service.domain
        let certificate = LoadBalancerNames(config).certificate
        let projectVariable = config.service.project == nil ? " -var project=\(project)" : ""
        return """

            ## The load balancer (after the first deploy)

            `edge.mode` is `load_balancer`: `https://\(domain)` is a global external Application Load
            Balancer (`\(out)/lb/main.tf`) in front of the service, whose ingress is
            `\(config.service.ingress.rawValue)`. Apply in this order, once, and again whenever
            `\(out)/lb/main.tf` changes (ordinary deploys change only the service):

            1. The service: the first deploy above runs `gcloud run services replace \(out)/service.yaml`.
            2. The load balancer (Terraform keeps its state in `\(out)/lb` unless you add a backend; do not commit it):

               ```sh
               gcloud services enable compute.googleapis.com --project=\(project)
               terraform -chdir=\(out)/lb init
               terraform -chdir=\(out)/lb apply\(projectVariable)
               ```

            3. DNS: an `A` record for `\(domain)` at the address it prints:

               ```sh
               terraform -chdir=\(out)/lb output -raw ip_address
               ```

            4. Wait for the managed certificate to become `ACTIVE` (15 minutes to 24 hours once DNS
               resolves to that address; until then HTTPS fails):

               ```sh
               gcloud compute ssl-certificates describe \(certificate) --global --project=\(project) --format='value(managed.status)'
               ```

            """
    }
}
