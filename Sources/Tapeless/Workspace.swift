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
    /// The memory is uninitialized and stays valid until the matching ``release(for:)``. `key`
    /// must be a string literal (its address names the block). A function that runs again while
    /// it is still running on the same thread (say, from inside the `outputGradient` closure it
    /// was given) gets a second block, so the two never share memory.
    public static func floats(count: Int, for key: StaticString) -> UnsafeMutablePointer<Float> {
        ThreadScratch.current.floats(count: count, key: UInt(bitPattern: key.utf8Start))
    }

    /// Marks the block that the last ``floats(count:for:)`` with `key` returned on this thread
    /// as free again; generated functions call it when they return.
    public static func release(for key: StaticString) {
        ThreadScratch.current.release(key: UInt(bitPattern: key.utf8Start))
    }

    /// At least `count` integers of scratch memory for the function named `key` on this thread:
    /// where it keeps the integer tensors it computes, such as the indices of an `argmax`.
    ///
    /// The blocks of integers are kept apart from those of ``floats(count:for:)`` and work the
    /// same way: uninitialized, reused from call to call, one per nested call, and valid until
    /// the matching ``releaseIntegers(for:)``.
    public static func integers(count: Int, for key: StaticString) -> UnsafeMutablePointer<Int> {
        ThreadScratch.current.integers(count: count, key: UInt(bitPattern: key.utf8Start))
    }

    /// Marks the block that the last ``integers(count:for:)`` with `key` returned on this thread
    /// as free again; generated functions call it when they return.
    public static func releaseIntegers(for key: StaticString) {
        ThreadScratch.current.releaseIntegers(key: UInt(bitPattern: key.utf8Start))
    }

    /// The output tensor and output-gradient tensor a generated pullback hands to its caller,
    /// kept on this thread between calls of the function named `key`.
    ///
    /// The function takes them at the start (so it holds the only reference, and writing into
    /// them reuses their storage) and gives them back with ``giveBack(_:for:)`` when it
    /// returns. A call nested inside another of the same function gets empty tensors.
    public static func borrowTensors(for key: StaticString) -> HandedTensors {
        ThreadScratch.current.borrowTensors(key: UInt(bitPattern: key.utf8Start))
    }

    /// Keeps `tensors` for the next ``borrowTensors(for:)`` with `key` on this thread.
    public static func giveBack(_ tensors: HandedTensors, for key: StaticString) {
        ThreadScratch.current.giveBack(tensors, key: UInt(bitPattern: key.utf8Start))
    }
}

/// The tensors a generated pullback hands to the closure that computes the loss's gradient:
/// the forward output, and the gradient with respect to it that the closure writes.
public struct HandedTensors {
    /// The forward function's output.
    public var output = Tensor(shape: [0], scalars: [])
    /// The gradient of the loss with respect to ``output``.
    public var outputGradient = Tensor(shape: [0], scalars: [])
}

/// The scratch blocks of one thread.
final class ThreadScratch {
    private var floatBlocks = ScratchBlocks<Float>()
    private var integerBlocks = ScratchBlocks<Int>()

    func floats(count: Int, key: UInt) -> UnsafeMutablePointer<Float> {
        floatBlocks.take(count: count, key: key)
    }

    func release(key: UInt) {
        floatBlocks.release(key: key)
    }

    func integers(count: Int, key: UInt) -> UnsafeMutablePointer<Int> {
        integerBlocks.take(count: count, key: key)
    }

    func releaseIntegers(key: UInt) {
        integerBlocks.release(key: key)
    }

    /// Handed tensors per function, while no call of it holds them.
    private var handedTensors: [UInt: HandedTensors] = [:]

    func borrowTensors(key: UInt) -> HandedTensors {
        handedTensors.removeValue(forKey: key) ?? HandedTensors()
    }

    func giveBack(_ tensors: HandedTensors, key: UInt) {
        handedTensors[key] = tensors
    }

    deinit {
        floatBlocks.deallocateAll()
        integerBlocks.deallocateAll()
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

/// One thread's scratch blocks of one element type: a block per function and nesting depth.
private struct ScratchBlocks<Element> {
    private struct Key: Hashable {
        var function: UInt
        var depth: Int
    }

    private var blocks: [Key: (pointer: UnsafeMutablePointer<Element>, capacity: Int)] = [:]
    /// How many calls of each function are running on this thread.
    private var depths: [UInt: Int] = [:]

    /// The block of the function's call starting now, with room for at least `count` elements.
    mutating func take(count: Int, key: UInt) -> UnsafeMutablePointer<Element> {
        let depth = depths[key, default: 0]
        depths[key] = depth + 1
        let blockKey = Key(function: key, depth: depth)
        if let block = blocks[blockKey], block.capacity >= count { return block.pointer }
        blocks[blockKey]?.pointer.deallocate()
        // Grow with headroom so a slowly growing batch size does not reallocate every call.
        let capacity = Swift.max(count + count / 4, 64)
        let pointer = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        blocks[blockKey] = (pointer, capacity)
        return pointer
    }

    /// Ends the function's innermost running call; its block is kept for the next call.
    mutating func release(key: UInt) {
        depths[key, default: 1] -= 1
    }

    func deallocateAll() {
        for block in blocks.values { block.pointer.deallocate() }
    }
}
