/// `build.piloto:` — where the Dockerfile's build stage gets piloto's sources.
///
/// Why a key at all: the generated Dockerfile used to `COPY Package.swift Sources Tests` from the
/// build context, which only works inside piloto's own repository; in a team's repository
/// `docker build` failed. The keys are kept as written (not an enum) so validate can point at the
/// one that is wrong when both forms, or neither, are given.
package struct PilotoSource: Sendable, Equatable {
    /// Repository URL cloned in the build stage.
    package var git: String?
    /// Tag or full commit of `git`.
    package var ref: String?
    /// A folder inside the build context (vendored copy, submodule, or `.` for piloto's own repo).
    package var path: ConfigPath?

    /// What the Dockerfile does, once validate has accepted the keys.
    package enum Origin: Sendable, Equatable {
        case clone(url: String, ref: String)
        /// A folder relative to the build context (`.` = the context itself).
        case context(String)
    }

    /// `git` + `ref` → clone; `path` (or nothing) → copy from the context.
    package var origin: Origin {
        if let git, let ref { return .clone(url: git, ref: ref) }
        return .context(path?.asWritten ?? ".")
    }
}

extension BuildConfig {
    /// Where piloto's sources come from; an absent `build.piloto` is the build context itself.
    package var pilotoOrigin: PilotoSource.Origin { piloto?.origin ?? .context(".") }
}

/// Why a config is loaded: `check` (validate, generate: the repository is there) or `serve` (in
/// the image, where build-only inputs such as piloto's `Package.swift` are absent by design).
package enum LoadPurpose: Sendable, Equatable {
    case check
    case serve
}
