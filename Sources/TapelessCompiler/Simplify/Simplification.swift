/// The simplification stage: every form of every function through ``Simplifier``, all
/// derivatives being taken (so `stopGradient` has done its work), with the
/// instruction limit on the forms that differentiation grows (a `grad` definition's body, a
/// model function's gradient and pullback).
enum Simplification {
    /// `program` with every function form simplified.
    static func run(_ program: LoweredProgram, limit: InstructionLimit) throws -> LoweredProgram {
        var result = program
        for model in result.models.indices {
            result.models[model].functions = try result.models[model].functions.map { try simplify($0, limit) }
        }
        result.functions = try result.functions.map { try simplify($0, limit) }
        return result
    }

    private static func simplify(_ function: LoweredFunction, _ limit: InstructionLimit) throws -> LoweredFunction {
        var result = function
        result.body = Simplifier.simplify(function.body, derivativesTaken: true)
        if let request = function.derivative {
            result.body = try limit.check(result.body, at: function.range, .derivative(of: request.function))
        }
        let training = InstructionLimit.Exceeded.Cause.training(of: function.name)
        result.withGradient = try function.withGradient.map { try limit.check(Simplifier.simplify($0, derivativesTaken: true), at: function.range, training) }
        result.pullback = try function.pullback.map { try limit.check(Simplifier.simplify($0, derivativesTaken: true), at: function.range, training) }
        return result
    }
}
