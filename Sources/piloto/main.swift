import PilotoCLI
import Foundation

exit(PilotoCLI.run(arguments: Array(CommandLine.arguments.dropFirst()), stdout: .standardOutput, stderr: .standardError))
