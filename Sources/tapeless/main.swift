// The `tapeless` command: generate, check, explain and summarize `.tapeless` models.
let status = TapelessCommand.run(Array(CommandLine.arguments.dropFirst()))
FileIO.finish(with: status)
