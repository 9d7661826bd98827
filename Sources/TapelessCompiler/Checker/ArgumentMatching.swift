/// One parameter position of a callee, for matching a call's arguments.
struct ArgumentSlot {
    /// The name an argument may be labeled with (`labels` in `crossEntropy(logits: z, labels: y)`).
    var label: String
    var isRequired: Bool
}

extension Checker {
    /// Puts a call's arguments into the callee's slots: labeled arguments go to the slot of that
    /// name, unlabeled ones fill the next empty slot in order. Returns one entry per slot (`nil`
    /// for an omitted optional slot), or `nil` after reporting a mismatch.
    func matchArguments(
        _ arguments: [Argument], to slots: [ArgumentSlot], callee: String, callRange: SourceRange
    ) -> [Argument?]? {
        var matched = [Argument?](repeating: nil, count: slots.count)
        var isValid = true
        for argument in arguments {
            if let label = argument.label {
                guard let index = slots.firstIndex(where: { $0.label == label.name }) else {
                    let known = slots.map { "'\($0.label):'" }.joined(separator: ", ")
                    reportMisspelling(
                        "'\(callee)' has no argument '\(label.name):'", name: label.name, at: label.range,
                        among: slots.map(\.label), otherwise: "its arguments are \(known)", suffix: ":")
                    isValid = false
                    continue
                }
                guard matched[index] == nil else {
                    error("argument '\(label.name):' is given twice in call to '\(callee)'", at: label.range)
                    isValid = false
                    continue
                }
                matched[index] = argument
            } else if let index = matched.firstIndex(where: { $0 == nil }) {
                matched[index] = argument
            } else {
                error(arityMessage(callee: callee, slots: slots, given: arguments.count), at: argument.value.range)
                return nil
            }
        }
        guard isValid else { return nil }
        let missing = zip(slots, matched).filter { $0.0.isRequired && $0.1 == nil }.map(\.0)
        guard let first = missing.first else { return matched }
        if arguments.allSatisfy({ $0.label == nil }) {
            error(arityMessage(callee: callee, slots: slots, given: arguments.count), at: callRange)
        } else {
            error("missing argument '\(first.label):' in call to '\(callee)'", at: callRange)
        }
        return nil
    }

    /// `'f' expects 1 argument but 2 were given` (or `1 or 2 arguments`, `2 to 4 arguments`).
    private func arityMessage(callee: String, slots: [ArgumentSlot], given: Int) -> String {
        let required = slots.filter(\.isRequired).count
        let expected: String
        switch slots.count - required {
        case 0: expected = "\(required) argument\(required == 1 ? "" : "s")"
        case 1: expected = "\(required) or \(slots.count) arguments"
        default: expected = "\(required) to \(slots.count) arguments"
        }
        return "'\(callee)' expects \(expected) but \(given) \(given == 1 ? "was" : "were") given"
    }
}
