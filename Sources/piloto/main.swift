import PilotoCLI

#if canImport(Glibc)
import Glibc
#endif

// ProcessArguments, not CommandLine.arguments: the latter needs /proc on Linux (see its doc).
exit(run(arguments: ProcessArguments.current(), stdout: .standardOutput, stderr: .standardError))
