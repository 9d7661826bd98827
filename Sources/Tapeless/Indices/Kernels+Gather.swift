extension Kernels {
    /// Copies rows of a table picked by integer indices: row `indices[k]` of `table` becomes
    /// row `k` of `output`, as PyTorch's `F.embedding(indices, table)` or `table[indices]`.
    ///
    /// - Parameters:
    ///   - table: The rows to pick from, `[rows, width]`, row-major.
    ///   - width: The length of each row.
    ///   - indices: The rows to pick, one per output row.
    ///   - count: The number of indices.
    ///   - output: The picked rows, `[count, width]`; overwritten.
    /// - Precondition: every index is a row of `table`. Generated code checks the indices first
    ///   with ``ArgumentCheck/indices(_:count:rows:argument:function:)``.
    public static func gather(
        table: UnsafePointer<Float>, width: Int, indices: UnsafePointer<Int>, count: Int,
        output: UnsafeMutablePointer<Float>
    ) {
        for k in 0..<count {
            (output + k &* width).update(from: table + indices[k] &* width, count: width)
        }
    }

    /// Adds each row of `source` into the row of `table` its index names, after zeroing
    /// `table`: the adjoint of ``gather(table:width:indices:count:output:)``, which gives the
    /// gradient of an embedding's table (rows picked several times accumulate, in index order).
    ///
    /// - Parameters:
    ///   - source: The rows to add, `[count, width]`, row-major.
    ///   - width: The length of each row.
    ///   - indices: The row of `table` each row of `source` is added into.
    ///   - count: The number of indices.
    ///   - table: The sums, `[rows, width]`; overwritten.
    ///   - rows: The number of rows of `table`.
    /// - Precondition: every index is a row of `table`. Generated code checks the indices first
    ///   with ``ArgumentCheck/indices(_:count:rows:argument:function:)``.
    public static func scatterAdd(
        _ source: UnsafePointer<Float>, width: Int, indices: UnsafePointer<Int>, count: Int,
        into table: UnsafeMutablePointer<Float>, rows: Int
    ) {
        table.update(repeating: 0, count: rows &* width)
        for k in 0..<count {
            let row = table + indices[k] &* width, values = source + k &* width
            for j in 0..<width { row[j] += values[j] }
        }
    }
}
