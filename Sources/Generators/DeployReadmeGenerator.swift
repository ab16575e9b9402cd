import PilotoConfig

/// `README.md` in the output folder: how these artifacts become a running service, in order.
///
/// One function per section, joined in `sections`: other deploy steps (e.g. a load balancer's
/// order) are one more function and one more line there. Every command is derived from the
/// config (project, region, image, secrets, alerts), so the notes cannot drift from the files.
package enum DeployReadmeGenerator {
    package static func generate(_ config: PilotoConfig) -> Artifact {
        let text = sections(config).joined(separator: "\n")
        return Artifact(path: "README.md", contents: text)
    }

    /// The sections, in reading order.
    static func sections(_ config: PilotoConfig) -> [String] {
        [intro(config), oneTimeSetup(config), perDeploy(config) + loadBalancerSteps(config)]
    }

    /// Title, the generated notice, and what the folder holds.
    static func intro(_ config: PilotoConfig) -> String {
        let env = config.environment.map { " (environment `\($0)`)" } ?? ""
        return """
            <!-- \(GeneratedHeader.lines(config).joined(separator: " ")) -->
            # Deploying `\(config.service.name)`\(env)

            Run every command from the repository root (the folder that holds `\(GeneratedHeader.fileName(config))`).
            `\(DeployFacts.outDirectory(config))/cloudbuild.yaml` is the pipeline; the steps below prepare the
            project once, then deploy.

            """
    }

    /// Enable APIs, the Artifact Registry repository, secrets, the build account's roles, the
    /// invoker binding: each once per project (or per service), in this order.
    static func oneTimeSetup(_ config: PilotoConfig) -> String {
        let project = config.service.project ?? "PROJECT"
        let region = config.service.region
        var apis = ["run.googleapis.com", "artifactregistry.googleapis.com", "cloudbuild.googleapis.com"]
        if !DeployFacts.secrets(config).isEmpty { apis.append("secretmanager.googleapis.com") }
        if !DeployFacts.alertPolicies(config).isEmpty { apis.append("monitoring.googleapis.com") }
        var out = """
            ## One-time setup

            1. Enable the APIs:

               ```sh
               gcloud services enable \(apis.joined(separator: " ")) --project=\(project)
               ```

            """
        if let registry = DeployFacts.artifactRegistry(config.service.image) {
            out += """

                2. Create the Artifact Registry repository for `\(DeployFacts.imageRepository(config.service.image))`:

                   ```sh
                   gcloud artifacts repositories create \(registry.repository) --repository-format=docker --location=\(registry.location) --project=\(registry.project)
                   ```

                """
        } else {
            out += """

                2. `service.image` (`\(config.service.image)`) is not an Artifact Registry path
                   (`LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE`): create that repository yourself.

                """
        }
        out += """

            3. Service accounts: the service runs as the Compute Engine default account unless you
               choose another; Cloud Build runs as its own account (new projects: the Compute Engine
               default account too; older ones: `PROJECT_NUMBER@cloudbuild.gserviceaccount.com`).

               ```sh
               PROJECT_NUMBER=$(gcloud projects describe \(project) --format='value(projectNumber)')
               RUNTIME_SA=${PROJECT_NUMBER}-compute@developer.gserviceaccount.com
               BUILD_SA=${PROJECT_NUMBER}-compute@developer.gserviceaccount.com
               for role in roles/run.admin roles/iam.serviceAccountUser roles/artifactregistry.writer roles/monitoring.alertPolicyEditor roles/logging.logWriter; do
                 gcloud projects add-iam-policy-binding \(project) --member=serviceAccount:$BUILD_SA --role=$role
               done
               ```

            """
        out += secretsStep(config, project: project)
        out += """

            5. After the first deploy (below) has created the service, let anyone reach it (piloto's
               own login protects the routes that need it):

               ```sh
               gcloud run services add-iam-policy-binding \(config.service.name) --region=\(region) --project=\(project) --member=allUsers --role=roles/run.invoker
               ```

               An organization policy restricting `allUsers` (domain-restricted sharing) refuses this;
               then put the service behind a load balancer with IAP or allow the exception.

            """
        return out
    }

    /// Step 4: one `secrets create` and one accessor binding per secret of `secrets:`.
    static func secretsStep(_ config: PilotoConfig, project: String) -> String {
        let secrets = DeployFacts.secrets(config)  // with the backends' (ServiceGenerator+Sidecars.swift)
        guard !secrets.isEmpty else {
            return "\n4. Secrets: none configured (`secrets:` is empty).\n"
        }
        var names: [String] = []
        for secret in secrets where !names.contains(secret.secret) { names.append(secret.secret) }
        let commands = names.map { name in
            "printf '%s' \"$VALUE\" | gcloud secrets create \(name) --data-file=- --replication-policy=automatic --project=\(project)\n"
                + "   gcloud secrets add-iam-policy-binding \(name) --member=serviceAccount:$RUNTIME_SA --role=roles/secretmanager.secretAccessor --project=\(project)"
        }
        let pinned = secrets.map { "`\($0.envName)` ← `\($0.secret)` version `\($0.version)`" }
        return """

            4. Create each secret (set `VALUE` first; the first version is `1`) and let the service read it.
               The service reads \(pinned.joined(separator: ", ")).

               ```sh
               \(commands.joined(separator: "\n   "))
               ```

            """
    }

    /// The command every deploy runs (a trigger on each commit runs the same file).
    static func perDeploy(_ config: PilotoConfig) -> String {
        let out = DeployFacts.outDirectory(config)
        return """
            ## Every deploy

            ```sh
            gcloud builds submit --config \(out)/cloudbuild.yaml --substitutions=SHORT_SHA=$(git rev-parse --short HEAD) --project=\(config.service.project ?? "PROJECT") .
            ```

            It builds piloto, fails if `\(out)` differs from what `\(GeneratedHeader.command(config))` writes,
            builds and pushes `\(DeployFacts.imageRepository(config.service.image)):SHORT_SHA`, replaces the
            service with `\(out)/service.yaml` at that image, then creates or updates the alert policies.
            A Cloud Build trigger on the repository runs the same file with `SHORT_SHA` set for you.

            """
    }
}
