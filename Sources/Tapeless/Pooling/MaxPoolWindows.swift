/// The work of a pooling kernel on one plane (one channel of one example): a struct, so that
/// splitting it across threads allocates nothing (see ``RangeWork``).
protocol PlaneWork {
    func run(plane: Int)
}

/// The windows of one max pooling call, laid out once so the loops over planes divide by
/// nothing: for every output row (and column), the first input row (column) of its window that
/// lies inside the input, and how many of its taps do.
struct MaxPoolWindows {
    /// Pooling over fewer input elements than this runs on the calling thread (about 16 µs of
    /// work; on 2 vCPUs of a Zen 5, LeNet's first pooling at batch 32, 110,592 elements, took
    /// 122 µs on one thread and 60 on two). Each plane is one thread's (its own output, or its
    /// own part of the result to scatter into), so a split gives the same bits as one thread.
    static let splittingThreshold = 1 << 14

    let g: Pooling2DGeometry
    /// Per output row: the first input row inside its window, then the count of such rows.
    private let rows: UnsafePointer<Int>
    /// Per output column: the first input column inside its window, then the count of such columns.
    private let columns: UnsafePointer<Int>

    /// Elements of one input plane (`height × width`) and one output plane.
    var inputPlane: Int { g.height &* g.width }
    var outputPlane: Int { g.outputHeight &* g.outputWidth }

    /// Runs `work` on every plane (`batch × channels` of them), split across threads when the
    /// pooling is large enough.
    func forEachPlane<Work: PlaneWork>(_ work: Work) {
        let planes = g.batch &* g.channels
        ParallelParts.forEachRange(of: planes, splitting: planes &* inputPlane >= Self.splittingThreshold, Planes(work: work))
    }

    /// A plane work on a range of planes.
    private struct Planes<Work: PlaneWork>: RangeWork {
        var work: Work

        func run(_ range: Range<Int>) {
            for plane in range { work.run(plane: plane) }
        }
    }

    /// Checks `g`, lays out its windows and calls `body` with them.
    ///
    /// - Precondition: `g` describes a pooling, and every window holds an input element.
    static func with(_ g: Pooling2DGeometry, _ body: (MaxPoolWindows) -> Void) {
        g.check()
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 &* (g.outputHeight &+ g.outputWidth)) { buffer in
            let rows = buffer.baseAddress!, columns = rows + 2 &* g.outputHeight
            layOut(g.vertical, "row", into: rows)
            layOut(g.horizontal, "column", into: columns)
            body(MaxPoolWindows(g: g, rows: rows, columns: columns))
        }
    }

    /// Writes each output coordinate's first input coordinate and tap count along `axis`.
    private static func layOut(_ axis: WindowAxis, _ name: String, into layout: UnsafeMutablePointer<Int>) {
        for o in 0..<axis.output {
            let taps = axis.taps(at: o)
            precondition(
                taps.count > 0,
                "Pooling2DGeometry: the window of output \(name) \(o) lies wholly in the padding, so it has no maximum; PyTorch likewise requires padding of at most half the window.")
            layout[2 &* o] = o &* axis.stride &- axis.padding &+ taps.first &* axis.dilation
            layout[2 &* o &+ 1] = taps.count
        }
    }

    /// Calls `body(outputIndex, inputIndex)` for every window of one plane, in row-major output
    /// order, with the index in `plane` of the window's maximum, as PyTorch's `max_pool2d`
    /// picks it: the first in row-major window order among equals, and the last NaN if any.
    @inline(__always)
    func forEachMaximum(in plane: UnsafePointer<Float>, _ body: (_ outputIndex: Int, _ inputIndex: Int) -> Void) {
        let width = g.width
        var outputIndex = 0
        for y in 0..<g.outputHeight {
            let top = rows[2 &* y] &* width, rowCount = rows[2 &* y &+ 1]
            for x in 0..<g.outputWidth {
                let start = top &+ columns[2 &* x], columnCount = columns[2 &* x &+ 1]
                // Windows of 2 × 2 taps (the common pooling, and every one without padding) with
                // constant trip counts, which the optimizer unrolls: twice as fast.
                let best = rowCount == 2 && columnCount == 2
                    ? maximum(in: plane, from: start, rows: 2, columns: 2)
                    : maximum(in: plane, from: start, rows: rowCount, columns: columnCount)
                body(outputIndex, best)
                outputIndex &+= 1
            }
        }
    }

    /// The index of the maximum of the window of `rows × columns` taps from index `start`.
    @inline(__always)
    private func maximum(in plane: UnsafePointer<Float>, from start: Int, rows: Int, columns: Int) -> Int {
        let rowStep = g.dilationY &* g.width, columnStep = g.dilationX
        var best = start, maximum = plane[start], lastNaN = -1
        for i in 0..<rows {
            let row = start &+ i &* rowStep
            for j in 0..<columns {
                let index = row &+ j &* columnStep
                let value = plane[index]
                // Three selects and no branch (which value wins is data: a branch mispredicted
                // so often it made LeNet's pooling 4× slower). The maximum ignores NaN, which
                // the last NaN overrides at the end.
                let greater = value > maximum
                best = greater ? index : best
                maximum = greater ? value : maximum
                lastNaN = value.isNaN ? index : lastNaN
            }
        }
        return lastNaN >= 0 ? lastNaN : best
    }
}
