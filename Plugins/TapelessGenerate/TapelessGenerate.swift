import Foundation
import PackagePlugin

/// `swift package tapeless-generate`: writes the Swift for every `.tapeless` file into the
/// source tree beside it, for projects that want to commit the generated code.
///
/// Use it instead of `TapelessPlugin` on a target, not with it: both would define the same
/// types. Pass `--target NAME` (repeatable) to limit it to some targets.
@main
struct TapelessGenerate: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let selected = Set(extractor.extractOption(named: "target"))
        let tool = try context.tool(named: "tapeless")
        var generated = 0
        for target in context.package.targets {
            guard let target = target as? SourceModuleTarget, selected.isEmpty || selected.contains(target.name) else { continue }
            let models = target.sourceFiles(withSuffix: "tapeless").map(\.url)
            for model in models {
                let output = model.deletingLastPathComponent().appending(path: GeneratedFileName.forModel(model, among: models))
                let process = Process()
                process.executableURL = tool.url
                process.arguments = ["generate", model.path, "-o", output.path, "--access", "internal"]
                try process.run()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else {
                    throw GenerationError(message: "tapeless could not compile \(model.path); see the errors above")
                }
                print("wrote \(output.path)")
                generated += 1
            }
        }
        if generated == 0 { print("no .tapeless files found\(selected.isEmpty ? "" : " in \(selected.sorted().joined(separator: ", "))")") }
    }

    struct GenerationError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
