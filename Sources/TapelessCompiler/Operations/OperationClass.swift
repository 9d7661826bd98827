/// How fusion, buffer planning and emission treat an operation.
enum OperationClass {
    /// Names a value the function already has (an argument, a parameter, a count, or its
    /// operand through `stopGradient`): no code of its own.
    case name
    /// Computes each result element from the same position of its operands (read through
    /// broadcasting or an inserted axis): fused into loops over the result.
    case elementwise
    /// Sums or takes the maximum of its operand down to a smaller shape: accumulated by the
    /// loop over its operand.
    case reduction
    /// Works line by line along one axis (softmax, log-sum-exp, a class pick): along the
    /// rows of a matrix, it shares one loop over the rows with its neighbours.
    case row
    /// Reads its operands from memory and writes its own storage in a pass of its own.
    case kernel
}

extension IROp {
    /// The operation's class. A new operation is classified here, and the compiler refuses to
    /// build until it is.
    var operationClass: OperationClass {
        switch self {
        case .argument, .parameter, .count, .stopGradient: .name
        case .constant, .unary, .binary, .compare, .select, .broadcast, .expandAxis, .dropoutMask: .elementwise
        case .reduceSum, .reduceMax, .sumToShape: .reduction
        case .logSumExp, .softmax, .pickClass, .scatterClass: .row
        case .matmul, .transpose, .slice, .pad, .reshape, .convolution2D, .convolution2DInputGradient,
             .convolution2DWeightGradient, .maxPoolSelect, .maxPoolScatter, .permute, .iota, .gather, .scatterAdd, .argmax, .call, .loop:
            .kernel
        case .elementAt:
            .elementwise  // a scalar read, computed where a loop's body needs it
        }
    }
}
