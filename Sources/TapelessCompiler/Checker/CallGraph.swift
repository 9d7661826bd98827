/// Who calls whom, to report recursion (which the ahead-of-time compiler can't unroll).
///
/// Nodes are function keys (`f`, `Model.f`) and derivative names; a derivative "calls" the
/// function it differentiates.
struct CallGraph {
    struct Call {
        var callee: String
        var range: SourceRange
    }

    /// Each caller's calls in the order they were recorded.
    private(set) var calls: [String: [Call]] = [:]
    /// Callers in the order they were first seen, so reports come out in a stable order.
    private(set) var callers: [String] = []

    mutating func addCall(from caller: String, to callee: String, at range: SourceRange) {
        if calls[caller] == nil { callers.append(caller) }
        calls[caller, default: []].append(Call(callee: callee, range: range))
    }

    /// Each cycle once, as the call that closes it, its caller and the names of the functions
    /// the cycle passes through (empty for a function that calls itself directly). Callers are
    /// visited in source order of their first call.
    func cycles() -> [(call: Call, caller: String, through: [String])] {
        let ordered = callers.sorted { calls[$0]![0].range.start < calls[$1]![0].range.start }
        var reported: Set<String> = []
        var result: [(call: Call, caller: String, through: [String])] = []
        for caller in ordered where !reported.contains(caller) {
            for call in calls[caller]! {
                guard let path = path(from: call.callee, to: caller) else { continue }
                if path.contains(where: reported.contains) { continue }
                reported.formUnion(path)
                result.append((call, caller, path.dropLast().map(displayName)))
                break
            }
        }
        return result
    }

    /// The nodes of the shortest chain of calls from `start` to `goal`, both included, or `nil`
    /// when `goal` can't be reached.
    func path(from start: String, to goal: String) -> [String]? {
        if start == goal { return [start] }
        var previous: [String: String] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for call in calls[node] ?? [] where call.callee != start && previous[call.callee] == nil {
                previous[call.callee] = node
                if call.callee == goal {
                    var chain = [goal]
                    while chain[0] != start { chain.insert(previous[chain[0]]!, at: 0) }
                    return chain
                }
                queue.append(call.callee)
            }
        }
        return nil
    }

    /// The name of a node as written (`f` for `Model.f`).
    func displayName(_ key: String) -> String {
        String(key.split(separator: ".").last ?? Substring(key))
    }
}

extension Checker {
    /// Reports each cycle of calls once, at the call that closes it.
    func reportRecursion() {
        for cycle in callGraph.cycles() {
            let caller = callGraph.displayName(cycle.caller)
            let through = cycle.through.isEmpty ? "" : " through " + cycle.through.map { "'\($0)'" }.joined(separator: ", ")
            error("recursion is not supported: '\(caller)' calls itself\(through)", at: cycle.call.range)
        }
    }
}

extension CallGraph {
    /// The names of `model`'s functions that another of its functions calls.
    func calledFunctions(of model: ModelContext) -> Set<String> {
        let keys = Set(model.functionsInOrder.map(\.key))
        var called: Set<String> = []
        for caller in callers where keys.contains(caller) {
            for call in calls[caller]! where call.callee != caller && keys.contains(call.callee) {
                called.insert(String(call.callee.dropFirst(model.name.count + 1)))
            }
        }
        return called
    }
}
