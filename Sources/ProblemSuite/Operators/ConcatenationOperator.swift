/// Horizontal concatenation [B₁, B₂, …, B_p] of operators with the same number of rows:
/// for x = (x₁; …; x_p) split by the blocks' column counts, y = Σᵢ Bᵢ·xᵢ, and
/// Aᵀ·y = (B₁ᵀ·y; …; B_pᵀ·y). Sparco's dictionaries such as [DCTᵀ, I] (problems 3, 5).
/// - Complexity: one application of every block, plus one scratch vector of length m
///   for the sum.
public final class ConcatenationOperator: LinearOperator {
    public let blocks: [any LinearOperator]
    /// Column offset of each block, and the total at the end.
    public let offsets: [Int]
    public let rowCount: Int
    public var columnCount: Int { offsets[offsets.count - 1] }
    public var operatorDescription: String { "[" + blocks.map(\.operatorDescription).joined(separator: ", ") + "]" }
    @usableFromInline var scratch: [Double]

    /// - Precondition: at least one block, all with the same row count.
    public init(_ blocks: [any LinearOperator]) {
        precondition(!blocks.isEmpty, "concatenation needs at least one block")
        let m = blocks[0].rowCount
        precondition(blocks.allSatisfy { $0.rowCount == m },
                     "cannot concatenate blocks with row counts \(blocks.map(\.rowCount))")
        self.blocks = blocks
        rowCount = m
        var offs = [0]
        for b in blocks { offs.append(offs[offs.count - 1] + b.columnCount) }
        offsets = offs
        scratch = [Double](repeating: 0, count: blocks.count > 1 ? m : 0)
    }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        let xb = x.baseAddress!
        blocks[0].apply(UnsafeBufferPointer(start: xb, count: offsets[1]), into: y)
        if blocks.count == 1 { return }
        scratch.withUnsafeMutableBufferPointer { s in
            for i in 1..<blocks.count {
                let part = UnsafeBufferPointer(start: xb + offsets[i], count: offsets[i + 1] - offsets[i])
                blocks[i].apply(part, into: s)
                DenseKernels.axpy(1, s.baseAddress!, y.baseAddress!, rowCount)
            }
        }
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        let xb = x.baseAddress!
        for i in blocks.indices {
            blocks[i].applyAdjoint(y, into: UnsafeMutableBufferPointer(start: xb + offsets[i], count: offsets[i + 1] - offsets[i]))
        }
    }
}
