/// Static help strings (golden-tested in CLITests): one overview and one page per command.
enum HelpText {
    static let version = "piloto 0.1.0"

    static let overview = """
        piloto: one piloto.yaml drives the Cloud Run deployment and the server.

        Usage: piloto <command> [options]

        Commands:
          validate [--config FILE] [--env NAME]
                        Check the config; print every error and warning.
          generate [--config FILE] [--env NAME] [--out DIR] [--check]
                        Write the deployment artifacts to DIR (default out/);
                        --check writes nothing and reports drift.
          serve [--config FILE] [--env NAME] [--port N] [--dev]
                        Run the HTTP/1.1 and WebSocket server.
          schema [--markdown]
                        Print the JSON Schema of piloto.yaml (--markdown: the
                        reference, docs/config.md).
          cost [--config FILE] [--env NAME] [--json] [--seed-phases]
                        Estimate the monthly bill at list prices from the config
                        and its cost: block (--seed-phases: the original design's
                        phases beside its own figures).
          passwd LOGIN  Print a users_file line (login:crypt-hash) for LOGIN.
          init [--dir DIR]
                        Write a commented piloto.yaml for the repository in DIR
                        from what it detects there (never overwrites).
          help [COMMAND]
                        Show help for a command.

        Options:
          --config FILE Config file (default: ./piloto.yaml).
          --env NAME    Apply the overlay environments.NAME.
          -h, --help    Show help.
          --version     Show the version.

        Exit codes:
          0  success
          1  a check failed (generate --check found drift)
          2  usage error or invalid config

        """

    static let commands: [(name: String, text: String)] = [
        ("validate", """
            Usage: piloto validate [--config FILE] [--env NAME]

            Check piloto.yaml: YAML syntax, keys, types, units and cross-field rules
            (Cloud Run CPU/memory, cookies, routes, sessions). Every problem is printed
            as FILE:LINE:COL: error|warning: MESSAGE with the source line and a caret.

            Options:
              --config FILE Config file (default: ./piloto.yaml).
              --env NAME    Apply the overlay environments.NAME before checking.

            Exit codes: 0 valid (warnings allowed), 2 invalid config or usage error.

            """),
        ("generate", """
            Usage: piloto generate [--config FILE] [--env NAME] [--out DIR] [--check]

            Write Dockerfile, service.yaml, the edge (lb/main.tf or domain-mapping.yaml),
            cloudbuild.yaml, README.md and alert policies, deterministically, into DIR.

            Options:
              --config FILE Config file (default: ./piloto.yaml).
              --env NAME    Apply the overlay environments.NAME.
              --out DIR     Output folder (default: out).
              --check       Write nothing; print a diff and exit 1 when DIR has drifted.

            Exit codes: 0 success, 1 drift found by --check, 2 invalid config or usage error.

            """),
        ("serve", """
            Usage: piloto serve [--config FILE] [--env NAME] [--port N] [--dev]

            Run the production HTTP/1.1 and WebSocket server described by the config.
            The PORT environment variable wins over server.port; --port wins over both.

            Options:
              --config FILE Config file (default: ./piloto.yaml).
              --env NAME    Apply the overlay environments.NAME.
              --port N      Listen on port N.
              --dev         Development mode (local use only).

            Exit codes: 0 clean shutdown, 2 invalid config or usage error.

            """),
        ("schema", """
            Usage: piloto schema [--markdown]

            Print the JSON Schema (2020-12) of piloto.yaml on stdout; with --markdown,
            print the key reference instead. Regenerate the committed copies with:
              swift run piloto schema > out/piloto.schema.json
              swift run piloto schema --markdown > docs/config.md

            Exit codes: 0 success, 2 usage error.

            """),
        ("init", """
            Usage: piloto init [--dir DIR]

            Detect the frontend (a package.json with a build script; Vite, Create React
            App, Angular or dist output) and a Python backend (requirements.txt or
            pyproject.toml naming fastapi or uvicorn, and its FastAPI app) in DIR, and
            write DIR/piloto.yaml with the original design's choices and comments. Prints
            what it detected and what you must fill in. An existing piloto.yaml is never
            overwritten.

            Options:
              --dir DIR     Repository folder (default: .).

            Exit codes: 0 written, 2 piloto.yaml exists or usage error, 1 write failed.

            """),
        ("cost", """
            Usage: piloto cost [--config FILE] [--env NAME] [--json] [--seed-phases]

            Estimate what the config costs a month on Google Cloud at list prices: Cloud
            Run (CPU, memory, requests, idle minimum instances, free tier), the load
            balancer, Cloud CDN egress by continent, Memorystore when sessions.store is
            redis, logging and internet egress, from the region, scaling, sessions, edge
            and the cost: usage block. Prices, sources and dates: docs/cost.md.

            Options:
              --config FILE Config file (default: ./piloto.yaml).
              --env NAME    Apply the overlay environments.NAME.
              --json        {"total_usd": N, "items": [{"id", "label", "usd", "details"}],
                            "assumptions": [...]}, keys in that order.
              --seed-phases The original design's four phases (MVP, Crescimento, Escala,
                            Com CDN) recomputed beside the seed's own figures.

            Exit codes: 0 success, 2 invalid config or usage error.

            """),
        ("passwd", """
            Usage: piloto passwd LOGIN

            Print a users_file line (login:crypt-hash) for LOGIN, for sessions.users_file.
            The password is read from stdin (one line; not echoed on a terminal), never
            from the arguments, and hashed with yescrypt ($y$) by the system libcrypt:
              printf '%s\n' "$PASSWORD" | piloto passwd ana >> users.txt

            Exit codes: 0 success, 1 hashing failed, 2 usage error or empty password.

            """),
        ("help", """
            Usage: piloto help [COMMAND]

            Show the overview, or the help of COMMAND.

            """),
    ]

    static func page(for command: String) -> String? { commands.first { $0.name == command }?.text }
}
