import Foundation

/// The name of the Swift file generated for a model, shared by the build and command plugins.
enum GeneratedFileName {
    /// `Name.tapeless.swift`, or `Folder_Name.tapeless.swift` when two models of the target share a name.
    static func forModel(_ model: URL, among models: [URL]) -> String {
        let name = model.deletingPathExtension().lastPathComponent
        let clashes = models.filter { $0.deletingPathExtension().lastPathComponent == name }.count > 1
        let folder = model.deletingLastPathComponent().lastPathComponent
        return (clashes ? "\(folder)_\(name)" : name) + ".tapeless.swift"
    }
}
