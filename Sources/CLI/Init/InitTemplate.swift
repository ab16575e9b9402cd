/// The commented piloto.yaml `piloto init` writes: the original design's choices (southamerica-east1,
/// 0–1 instances with memory sessions, 1 CPU, 512Mi, a host-only `SameSite=Lax; Secure; HttpOnly`
/// cookie, health, auth, dashboard, `/ws` channels, the alert thresholds and re-evaluation
/// triggers), with the detected frontend and backend filled in.
///
/// A pure function of what was detected, so tests compare it and `validate` must accept it as is.
enum InitTemplate {
    /// The values a person has to replace before deploying, as (key, why) lines for the summary.
    static func toFill(_ project: DetectedProject) -> [String] {
        var items = [
            "service.domain: the one origin users open (a placeholder is written)",
            "service.project: your GCP project (or set GCP_PROJECT)",
            "build.piloto: the piloto repository and the tag to build (ref)",
            "users.txt: one line per login, made by `piloto passwd LOGIN >> users.txt`",
        ]
        if project.backend != nil {
            items.append(
                "secrets.PILOTO_IDENTITY_KEY: create the Secret Manager secret identity-key (`openssl rand -base64 32`); "
                    + "the written fallback key is for local development only")
        }
        if project.backend?.app == nil, project.backend != nil {
            items.append("the backend's ASGI app (module:variable): no `NAME = FastAPI(` found")
        }
        return items
    }

    static func render(serviceName: String, project: DetectedProject, pilotoRef: String) -> String {
        var out = """
            # yaml-language-server: $schema=out/piloto.schema.json
            # Written by `piloto init`. Every relative path is relative to this file's folder.
            # Check it with `piloto validate`, then `piloto generate` writes out/ (Dockerfile,
            # service.yaml, cloudbuild.yaml, README.md with the deploy steps).
            service:
              name: \(serviceName)
              domain: app.example.com                # FILL IN: the one origin, https://<domain>
              project: ${GCP_PROJECT:-my-gcp-project} # FILL IN (or export GCP_PROJECT)
              region: southamerica-east1
              image: southamerica-east1-docker.pkg.dev/${GCP_PROJECT:-my-gcp-project}/piloto/\(serviceName):${IMAGE_TAG:-dev}

            scaling:
              min_instances: 0                       # scale to zero: the first request waits for a start
              max_instances: 1                       # memory sessions live in one instance; for the original
                                                     # design's 3, set sessions.store: redis (and network:)
              concurrency: 80
              cpu: 1
              memory: 512Mi
              request_timeout: 60m                   # Cloud Run cuts a WebSocket at this age

            build:
              swift: "6.1"
              piloto:                                # FILL IN: where the image's build stage gets piloto
                git: https://github.com/example/piloto.git
                ref: \(pilotoRef)                          # a tag or a full commit (a branch is not reproducible)

            """
        if let frontend = project.frontend {
            out += """
                  frontend:                              # detected: \(frontend.framework) in \(frontend.path)
                    path: \(frontend.path)
                    node: "\(frontend.node)"
                    install: \(frontend.install)
                    build: \(frontend.build)
                    output: \(frontend.output)

                """
        }
        if let backend = project.backend {
            out += """
                  backend:                               # the run: backend's Python, built into the image
                    path: \(backend.path)
                    python: "3.12"
                    install: pip install --no-cache-dir -r requirements.txt

                """
        }
        out += """

            server:
              port: 8080                             # the PORT environment variable wins
              shutdown_grace: 8s                     # below Cloud Run's 10 s SIGTERM grace
              headers:
                Strict-Transport-Security: max-age=31536000; includeSubDomains
                X-Content-Type-Options: nosniff
                Referrer-Policy: strict-origin-when-cross-origin

            cookies:
              session:                               # host-only (no domain): never sent to other subdomains
                name: session_id
                http_only: true
                secure: true
                same_site: lax
                max_age: 7d
                path: /

            sessions:
              store: memory
              ttl: 7d
              users_file: users.txt                  # FILL IN: `piloto passwd LOGIN >> users.txt`

            """
        if project.backend != nil {
            out += """
                  # HS256 key of the X-Piloto-Assertion JWT the backend verifies (identity: signed). Deployed, it
                  # comes from secrets: below; the fallback is for local development only.
                  identity_key: ${PILOTO_IDENTITY_KEY:-dev-only-identity-key-not-for-production}

                """
        }
        out += """
            routes:                                  # first matching prefix wins
              - path: /api/health
                handler: health
              - path: /api/auth
                handler: auth
              - path: /api/dashboard
                handler: dashboard
                auth: required
              - path: /ws
                handler: websocket
                mode: channels                       # /ws/<channel>: every message goes to the channel
                auth: required
                max_message: 64KiB

            """
        if let backend = project.backend {
            out += """
                  - path: /api                           # the backend (detected: \(backend.manifest) in \(backend.path))
                    handler: proxy                       # after piloto's own /api routes: the first prefix wins
                    upstream: api
                    auth: required                       # 401 from piloto; the backend is not called
                    identity: signed                     # X-Piloto-Assertion: a 60 s JWT naming the user

                """
        }
        if let frontend = project.frontend {
            let output = join(frontend.path, frontend.output)
            if let assets = frontend.hashedAssets {
                out += """
                      - path: /\(assets)
                        handler: static
                        root: \(join(output, assets))
                        cache: immutable                     # content-hashed file names

                    """
            }
            out += """
                  - path: /
                    handler: spa
                    root: \(output)

                """
        }
        out += """

            monitoring:
              alerts:
                latency_p99: 1000ms
                cpu: 70%
                memory: 80%
                error_rate: 1%
                for: 5m
              notification_channels: []              # projects/PROJECT/notificationChannels/ID
              triggers:                              # the original design's "re-evaluate" thresholds
                concurrent_users: 200
                latency_us: 500ms
                cpu: 70%
                requests_per_second: 1000
                monthly_cost_usd: 500

            """
        if let backend = project.backend {
            let app = backend.app ?? "FILL_IN.module:app"
            out += """

                secrets:
                  PILOTO_IDENTITY_KEY:                   # FILL IN: sessions.identity_key in production
                    secret: identity-key
                    version: "1"

                backends:                                # processes behind proxy routes, by name
                  api:
                    port: 8000                           # loopback only
                    run: [uvicorn, \(app), --host, 127.0.0.1, --port, "8000"]   # piloto starts and supervises it
                    dir: \(backend.path)
                    health: /healthz                     # FILL IN: a GET answering 2xx when the backend is ready

                """
        }
        return out
    }

    static func join(_ a: String, _ b: String) -> String {
        let left = a == "." ? "" : a
        let right = b == "." ? "" : b
        if left.isEmpty { return right.isEmpty ? "." : right }
        return right.isEmpty ? left : left + "/" + right
    }

    /// A Cloud Run service name from a folder name: lowercase letters, digits and hyphens, starting
    /// with a letter, at most 49 characters; `app` when nothing is left.
    static func serviceName(fromFolder folder: String) -> String {
        var name = ""
        for scalar in folder.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty, name.last != "-" {
                name += "-"
            }
        }
        while let first = name.unicodeScalars.first, !(first >= "a" && first <= "z") { name.removeFirst() }
        name = String(name.prefix(49))
        while name.last == "-" { name.removeLast() }
        return name.isEmpty ? "app" : name
    }
}
