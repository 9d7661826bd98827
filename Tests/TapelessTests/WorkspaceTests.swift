import Testing
@testable import Tapeless

/// The per-thread scratch memory of generated functions.
@Suite struct WorkspaceTests {
    @Test func aFunctionGetsTheSameBlockOnEveryCall() {
        let first = Workspace.floats(count: 100, for: "WorkspaceTests.same")
        Workspace.release(for: "WorkspaceTests.same")
        let second = Workspace.floats(count: 80, for: "WorkspaceTests.same")
        Workspace.release(for: "WorkspaceTests.same")
        #expect(first == second)
    }

    @Test func aNestedCallOfTheSameFunctionGetsItsOwnBlock() {
        let outer = Workspace.floats(count: 100, for: "WorkspaceTests.nested")
        let inner = Workspace.floats(count: 100, for: "WorkspaceTests.nested")
        Workspace.release(for: "WorkspaceTests.nested")
        Workspace.release(for: "WorkspaceTests.nested")
        #expect(outer != inner)
        #expect(abs(outer - inner) >= 100)
    }

    @Test func differentFunctionsAndThreadsNeverShare() async {
        let mine = Workspace.floats(count: 10, for: "WorkspaceTests.a")
        let other = Workspace.floats(count: 10, for: "WorkspaceTests.b")
        #expect(mine != other)
        let elsewhere = await Task.detached { () -> Int in
            let pointer = Workspace.floats(count: 10, for: "WorkspaceTests.a")
            Workspace.release(for: "WorkspaceTests.a")
            return Int(bitPattern: pointer)
        }.value
        #expect(elsewhere != Int(bitPattern: mine))
        Workspace.release(for: "WorkspaceTests.a")
        Workspace.release(for: "WorkspaceTests.b")
    }

    @Test func integersHaveBlocksOfTheirOwn() {
        let floats = Workspace.floats(count: 10, for: "WorkspaceTests.integers")
        let integers = Workspace.integers(count: 10, for: "WorkspaceTests.integers")
        let nested = Workspace.integers(count: 10, for: "WorkspaceTests.integers")
        #expect(UnsafeRawPointer(floats) != UnsafeRawPointer(integers) && integers != nested)
        Workspace.releaseIntegers(for: "WorkspaceTests.integers")
        Workspace.releaseIntegers(for: "WorkspaceTests.integers")
        Workspace.release(for: "WorkspaceTests.integers")
        #expect(Workspace.integers(count: 5, for: "WorkspaceTests.integers") == integers, "the next call reuses the block")
        Workspace.releaseIntegers(for: "WorkspaceTests.integers")
    }
}
