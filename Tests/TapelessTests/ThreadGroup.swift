import Foundation
import Tapeless

/// Test double: threads of one test acting as the processes of a group. Every collective call
/// waits until each thread has made it, then hands each the same combination of their inputs.
final class ThreadGroup: ProcessGroup, @unchecked Sendable {
    /// What the threads share: their inputs to the current call and its result.
    final class Meeting: @unchecked Sendable {
        let processCount: Int
        private let condition = NSCondition()
        private var inputs: [[Float]]
        private var arrived = 0
        private var round = 0
        private var result: [Float] = []

        init(processCount: Int) {
            self.processCount = processCount
            inputs = Array(repeating: [], count: processCount)
        }

        /// Waits for every thread's `input`, then returns `combine` of them (in rank order).
        func exchange(_ input: [Float], rank: Int, _ combine: ([[Float]]) -> [Float]) -> [Float] {
            condition.lock()
            defer { condition.unlock() }
            let myRound = round
            inputs[rank] = input
            arrived += 1
            if arrived == processCount {
                result = combine(inputs)
                arrived = 0
                round += 1
                condition.broadcast()
            } else {
                while round == myRound { condition.wait() }
            }
            return result
        }
    }

    let rank: Int
    let meeting: Meeting
    var processCount: Int { meeting.processCount }

    init(rank: Int, meeting: Meeting) {
        self.rank = rank
        self.meeting = meeting
    }

    func sum(_ buffer: inout [Float]) {
        buffer = meeting.exchange(buffer, rank: rank) { inputs in
            inputs.dropFirst().reduce(inputs[0]) { zip($0, $1).map(+) }
        }
    }

    func broadcast(_ buffer: inout [Float], from root: Int) {
        buffer = meeting.exchange(buffer, rank: rank) { $0[root] }
    }

    func allAgree(on value: UInt64) -> Bool {
        let halves = [Float(bitPattern: UInt32(truncatingIfNeeded: value)), Float(bitPattern: UInt32(value >> 32))]
        let agreed = meeting.exchange(halves, rank: rank) { inputs in
            let bits = inputs.map { $0.map(\.bitPattern) }
            return [bits.allSatisfy { $0 == bits[0] } ? 1 : 0]
        }
        return agreed[0] == 1
    }

    /// Runs `body` on `processCount` threads, one per rank, and returns their results in rank order.
    static func run<Result>(processCount: Int, _ body: @escaping @Sendable (ThreadGroup) throws -> Result) throws -> [Result] {
        let meeting = Meeting(processCount: processCount)
        let results = Outcomes<Result>(count: processCount)
        let done = DispatchGroup()
        let lock = NSLock()
        for rank in 0..<processCount {
            done.enter()
            // Threads of their own: every rank must run at once, which a pool does not promise.
            Thread {
                let result = Swift.Result { try body(ThreadGroup(rank: rank, meeting: meeting)) }
                lock.withLock { results.values[rank] = result }
                done.leave()
            }.start()
        }
        done.wait()
        return try results.values.map { try $0!.get() }
    }
}

/// Test double: each thread's outcome, written under a lock.
private final class Outcomes<Value>: @unchecked Sendable {
    var values: [Result<Value, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
}
