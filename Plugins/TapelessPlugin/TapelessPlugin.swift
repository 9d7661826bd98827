import Foundation
import PackagePlugin

/// Turns every `.tapeless` file of a target into Swift at build time.
///
/// One build command per file runs `tapeless generate`, with the model as its declared input
/// and the Swift file as its declared output, so SwiftPM reruns it exactly when the model
/// changes. Compiler errors fail the build as `path:line:column: error: message`.
@main
struct TapelessPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let tool = try context.tool(named: "tapeless")
        let models = target.sourceFiles(withSuffix: "tapeless").map(\.url)
        return models.map { model in
            let output = context.pluginWorkDirectoryURL.appending(path: GeneratedFileName.forModel(model, among: models))
            return .buildCommand(
                displayName: "Compiling \(model.lastPathComponent) with tapeless",
                executable: tool.url,
                arguments: ["generate", model.path, "-o", output.path, "--access", "internal"],
                inputFiles: [model],
                outputFiles: [output])
        }
    }
}
