import PilotoCLI

#if canImport(Glibc)
import Glibc
#endif

exit(run(arguments: Array(CommandLine.arguments.dropFirst()), stdout: .standardOutput, stderr: .standardError))
