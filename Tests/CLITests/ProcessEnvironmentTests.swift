import FoundationEssentials
import Testing
@testable import PilotoCLI

/// The environment read from `environ` (what `serve` uses instead of `ProcessInfo`).
struct ProcessEnvironmentTests {
    @Test func sameAsProcessInfo() {
        #expect(ProcessEnvironment.current() == ProcessInfo.processInfo.environment)
    }

    @Test func entries_valueAfterFirstEquals_firstNameWins_malformedSkipped() {
        let variables = ProcessEnvironment.variables([
            "REDIS_URL=redis://h:6379/0?a=b=c", "EMPTY=", "NOEQUALS", "PORT=8080", "PORT=9090", "=x",
        ])
        #expect(variables == ["REDIS_URL": "redis://h:6379/0?a=b=c", "EMPTY": "", "PORT": "8080", "": "x"])
    }
}
