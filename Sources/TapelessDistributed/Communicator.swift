// Compiled only with the package's MPI trait, which brings in MPI's headers and library; the
// default build leaves this module empty and needs no MPI.
#if MPI
import CMPI
import Foundation
import Tapeless

/// The processes of an MPI job (`MPI_COMM_WORLD`), as the ``Tapeless/ProcessGroup`` that
/// data-parallel training runs over.
///
/// Start a program's MPI part with ``run(_:)``, which initializes MPI, hands over the
/// communicator, and ends the whole job if any process throws. Each operation maps to one MPI
/// call on the world communicator; MPI's default error handler ends the job on a
/// communication failure, and `mpirun` ends it when a process dies, so no process waits for
/// one that has gone.
public final class Communicator: ProcessGroup {
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The number of processes in `MPI_COMM_WORLD`.
    public let processCount: Int
    /// The seconds spent in ``sum(_:)`` (the all-reduces) so far, waiting for slower
    /// processes included.
    public private(set) var allReduceSeconds = 0.0
    /// The number of calls to ``sum(_:)`` so far.
    public private(set) var allReduceCount = 0

    private let world = cmpi_comm_world()

    /// Wraps `MPI_COMM_WORLD` of an MPI library that ``run(_:)`` initialized.
    private init() {
        var rank: Int32 = 0
        var size: Int32 = 0
        MPI_Comm_rank(world, &rank)
        MPI_Comm_size(world, &size)
        self.rank = Int(rank)
        self.processCount = Int(size)
    }

    /// Initializes MPI, runs `body` with the world communicator, and finalizes MPI.
    ///
    /// An error thrown by `body` on any process is printed with that process's rank on
    /// standard error, and `MPI_Abort` then ends every process of the job (exit status 1), so
    /// the other processes, which may be waiting in a collective call for this one, never hang.
    /// ```swift
    /// Communicator.run { world in
    ///     try model.fit(x: x, y: y, loss: CrossEntropy(), optimizer: &adam, across: world)
    /// }
    /// ```
    public static func run(_ body: (Communicator) throws -> Void) {
        // Funneled: the runtime's worker threads never call MPI, only the thread that called run.
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
        let communicator = Communicator()
        do {
            try body(communicator)
        } catch {
            communicator.abort("\(error)")
        }
        MPI_Finalize()
    }

    /// Prints `message` with this process's rank on standard error and ends every process of
    /// the job with `MPI_Abort`.
    public func abort(_ message: String, exitCode: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("rank \(rank) of \(processCount) failed, ending the job: \(message)\n".utf8))
        // The launcher forwards output asynchronously and MPI_Abort tears the job down at once:
        // under MPICH, messages written just before were lost in 1 run of 5 without this pause.
        Thread.sleep(forTimeInterval: 0.2)
        MPI_Abort(world, exitCode)
        fatalError("MPI_Abort returned")
    }

    /// Waits until every process has called it (`MPI_Barrier`).
    public func barrier() {
        MPI_Barrier(world)
    }

    /// Replaces `buffer` on every process with the element-wise sum over every process
    /// (`MPI_Allreduce` in place, one call).
    ///
    /// The sum of a gradient is what a data-parallel step needs; see
    /// ``Tapeless/ProcessGroup/combine(_:examples:of:)`` for averaging. Open MPI and MPICH
    /// give every process the same bits; the distributed checks verify it after every step.
    ///
    /// - Precondition: every process passes the same number of elements, at most `Int32.max`.
    public func sum(_ buffer: inout [Float]) {
        let start = MPI_Wtime()
        buffer.withUnsafeMutableBufferPointer { buffer in
            _ = MPI_Allreduce(cmpi_in_place(), buffer.baseAddress, mpiCount(buffer.count), cmpi_float(), cmpi_sum(), world)
        }
        allReduceSeconds += MPI_Wtime() - start
        allReduceCount += 1
    }

    /// Replaces `buffer` on every process with the buffer of process `root` (`MPI_Bcast`).
    ///
    /// - Precondition: every process passes the same number of elements, at most `Int32.max`.
    public func broadcast(_ buffer: inout [Float], from root: Int) {
        buffer.withUnsafeMutableBufferPointer { buffer in
            _ = MPI_Bcast(buffer.baseAddress, mpiCount(buffer.count), cmpi_float(), Int32(root), world)
        }
    }

    /// Whether every process passed the same value: one all-reduce of the maxima of the value
    /// and of its complement (the complement's maximum is the complement of the minimum).
    public func allAgree(on value: UInt64) -> Bool {
        var extremes = [value, ~value]
        extremes.withUnsafeMutableBufferPointer { extremes in
            _ = MPI_Allreduce(cmpi_in_place(), extremes.baseAddress, 2, cmpi_uint64(), cmpi_max(), world)
        }
        return extremes[0] == ~extremes[1]
    }
}

/// An element count as MPI's `int`.
private func mpiCount(_ count: Int) -> Int32 {
    precondition(count <= Int(Int32.max), "MPI counts elements in an Int32; a buffer of \(count) elements is too long for one call.")
    return Int32(count)
}
#endif
