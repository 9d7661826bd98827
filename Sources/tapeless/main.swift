import Foundation
import TapelessCompiler

// The `tapeless` command: generate, check, explain and summarize `.tapeless` models.
let status = TapelessCommand.run(Array(CommandLine.arguments.dropFirst()))
exit(status)
