import Foundation

/// Writes files so that readers see either the old file or the complete new one.
///
/// The bytes go to a temporary file in the destination's directory (the same file system, so
/// the rename is atomic), which is flushed to disk with `fsync`, then renamed over the
/// destination; the directory is synced too so the rename survives a power loss. On any error
/// the temporary file is removed and the destination is untouched.
enum AtomicFile {
    /// Writes up to `count` bytes at `bytes` to the descriptor and returns how many it wrote;
    /// tests replace it to simulate a failure partway.
    typealias ChunkWriter = (_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) throws -> Int

    /// The largest single `write` call, so one huge checkpoint does not hit platform limits.
    static let chunkSize = 1 << 24

    static func write(_ bytes: [UInt8], to url: URL, chunkWriter: ChunkWriter = posixWrite) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporaryPath = directory + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func failure(_ reason: String) -> CheckpointError {
            .unwritableFile(path: path, reason: reason)
        }

        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(systemError("cannot create a temporary file in \(directory)")) }
        do {
            try bytes.withUnsafeBytes { raw in
                var written = 0
                while written < raw.count {
                    let count = try chunkWriter(descriptor, raw.baseAddress! + written, min(chunkSize, raw.count - written))
                    guard count > 0 else { throw failure(systemError("writing failed after \(written) of \(raw.count) bytes")) }
                    written += count
                }
            }
            guard fsync(descriptor) == 0 else { throw failure(systemError("flushing to disk failed")) }
            guard close(descriptor) == 0 else {
                unlink(temporaryPath)
                throw failure(systemError("closing the file failed"))
            }
        } catch {
            close(descriptor)
            unlink(temporaryPath)
            throw error
        }
        guard rename(temporaryPath, path) == 0 else {
            let error = failure(systemError("renaming the finished file into place failed"))
            unlink(temporaryPath)
            throw error
        }
        syncDirectory(directory)
    }

    /// `write(2)`, retried when a signal interrupts it.
    static func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) throws -> Int {
        while true {
            let result = Foundation.write(descriptor, bytes, count)
            if result >= 0 || errno != EINTR { return result }
        }
    }

    /// Flushes a directory's entries (the rename); best effort, as some file systems refuse.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func systemError(_ context: String) -> String {
        "\(context) (\(String(cString: strerror(errno))))"
    }
}
