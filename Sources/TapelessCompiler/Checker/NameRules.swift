/// Names the generated Swift reserves, and "did you mean" suggestions.
extension Checker {
    /// Member names the Swift emitter generates on every model or next to every function.
    static let reservedMemberNames: Set<String> = [
        "init", "Gradient", "parameterLayout", "parameterScalars", "callAsFunction", "gradient",
        "namedParameters", "zero",
    ]
    /// Suffixes of the functions the emitter generates for each function (`lossWithGradient`).
    static let reservedSuffixes = ["WithGradient", "Backward"]
    /// Types a generated model struct must not shadow.
    static let reservedTypeNames: Set<String> = [
        "Tensor", "IntTensor", "Float", "Int", "Bool", "Double", "Model", "Module", "Array", "String",
        "Swift", "Tapeless", "Initializer", "ParameterLayout", "ParameterContainer", "DenseParameters",
        "RandomStream", "Optimizer", "OptimizerState", "Loss", "Metric", "Batchable", "Kernels",
        // `Objective`'s and its generic parameters' names, which its generated extensions use.
        "Objective", "Trained", "Examples", "ArgumentBatch", "ArgumentShape",
    ]

    /// Reports a function, parameter, layer or derivative name that collides with generated Swift.
    func checkMemberName(_ name: Identifier) {
        if Self.reservedMemberNames.contains(name.name) {
            error("'\(name.name)' is reserved for the generated Swift code; rename it, for example to 'my\(name.name.prefix(1).uppercased())\(name.name.dropFirst())'",
                  at: name.range)
        } else if let suffix = Self.reservedSuffixes.first(where: { name.name.hasSuffix($0) }) {
            error("'\(name.name)' ends in '\(suffix)', which is reserved for the generated Swift code; rename it",
                  at: name.range)
        }
    }

    /// Reports a model name that would shadow a Swift or Tapeless type.
    func checkModelName(_ name: Identifier) {
        if Self.reservedTypeNames.contains(name.name) {
            error("model name '\(name.name)' would shadow the Swift or Tapeless type '\(name.name)'; rename the model, for example to '\(name.name)Model'",
                  at: name.range)
        }
    }

    /// Reports `message` about the name written at `range`, adding `; did you mean 'x'?` and a
    /// fix-it that replaces the name when a candidate is close, or else `; ` and `otherwise` (such
    /// as the list of valid choices). `suffix` follows names in the message (`:` for labels).
    func reportMisspelling(
        _ message: String, name: String, at range: SourceRange, among candidates: [String],
        otherwise: String? = nil, suffix: String = ""
    ) {
        guard let closest = closestName(to: name, among: candidates) else {
            error(message + (otherwise.map { "; " + $0 } ?? ""), at: range)
            return
        }
        diagnostics.append(.error(
            "\(message); did you mean '\(closest)\(suffix)'?", at: range,
            fixIts: [Diagnostic.FixIt(replacing: range, with: closest)]))
    }
}

/// The candidate closest to `name` by edit distance (transpositions count once), if close enough
/// to be a likely typo: at most one edit per three characters (so none for names of one or two
/// characters, where any other short name would be "close").
func closestName(to name: String, among candidates: [String]) -> String? {
    let limit = name.count / 3
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != name {
        let distance = editDistance(Array(name.lowercased()), Array(candidate.lowercased()))
        if distance <= limit, distance < (best?.distance ?? .max) {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.
private func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var twoBack = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var distance = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                distance = min(distance, twoBack[j - 2] + 1)
            }
            current[j] = distance
        }
        (twoBack, previous, current) = (previous, current, twoBack)
    }
    return previous[b.count]
}
