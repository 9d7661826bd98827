#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scratch memory for generated functions, kept per thread and reused across calls.
///
/// A generated function asks for one block of floats for all its intermediate tensors. The
/// block is allocated on the first call (and again only when a larger batch needs more), so
/// a training step after the first allocates nothing. Each function has its own block, named
/// by a key, so a function can call back into user code that runs another generated function.
public enum Workspace {
    /// At least `count` floats of scratch memory for the function named `key` on this thread.
    ///
    /// The memory is uninitialized and stays valid until the same function asks again on this
    /// thread. `key` must be a string literal (its address names the block). So a generated
    /// function must not run again, on the same thread, while it is still running: for example
    /// from inside the `outputGradient` closure it was given (other functions are fine).
    public static func floats(count: Int, for key: StaticString) -> UnsafeMutablePointer<Float> {
        ThreadScratch.current.floats(count: count, key: UInt(bitPattern: key.utf8Start))
    }
}

/// The scratch blocks of one thread.
final class ThreadScratch {
    private var blocks: [UInt: (pointer: UnsafeMutablePointer<Float>, capacity: Int)] = [:]

    func floats(count: Int, key: UInt) -> UnsafeMutablePointer<Float> {
        if let block = blocks[key], block.capacity >= count { return block.pointer }
        blocks[key]?.pointer.deallocate()
        // Grow with headroom so a slowly growing batch size does not reallocate every call.
        let capacity = Swift.max(count + count / 4, 64)
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
        blocks[key] = (pointer, capacity)
        return pointer
    }

    deinit {
        for block in blocks.values { block.pointer.deallocate() }
    }

    /// The calling thread's scratch, created on first use and freed when the thread exits.
    static var current: ThreadScratch {
        if let existing = pthread_getspecific(threadKey) {
            return Unmanaged<ThreadScratch>.fromOpaque(existing).takeUnretainedValue()
        }
        let scratch = ThreadScratch()
        pthread_setspecific(threadKey, Unmanaged.passRetained(scratch).toOpaque())
        return scratch
    }

    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            #if canImport(Darwin)
            Unmanaged<ThreadScratch>.fromOpaque(pointer).release()
            #else
            if let pointer { Unmanaged<ThreadScratch>.fromOpaque(pointer).release() }
            #endif
        }
        precondition(status == 0, "Tapeless could not create its per-thread workspace (pthread_key_create failed: \(status)).")
        return key
    }()
}
