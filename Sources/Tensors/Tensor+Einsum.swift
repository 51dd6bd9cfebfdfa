// Einstein summation, contracted a pair of operands at a time with BLAS:
// each operand first loses its diagonals (repeated letters), its broadcast
// size-1 axes and the letters nobody else needs (summed); then each pair is
// permuted to (batch, free, summed) × (batch, summed, free) and multiplied.

/// A tensor whose axes are named by letters.
private struct Labeled {
  var tensor: Tensor
  var letters: [Character]

  /// Sums away the axes whose letters are not in `keep`.
  func summing(allBut keep: Set<Character>) throws(TensorError) -> Labeled {
    let axes = letters.indices.filter { !keep.contains(letters[$0]) }
    guard !axes.isEmpty else { return self }
    return Labeled(
      tensor: try tensor.reduced(.sum, axes: axes), letters: letters.indices.filter { keep.contains(letters[$0]) }.map { letters[$0] })
  }

  /// The tensor with its axes in the order of `order` (a permutation of `letters`), reshaped to `sizes`.
  func arranged(_ order: [Character], as sizes: [Int]) throws(TensorError) -> Tensor {
    let permutation = order.map { letter in letters.firstIndex(of: letter) ?? 0 }
    return try tensor.transposed(permutation).reshaped(sizes)
  }
}

extension Tensor {
  /// NumPy's `einsum`: `Tensor.einsum("bi,bi->b", [x, y])`.
  public static func einsum(_ subscripts: String, _ operands: [Tensor]) throws(TensorError) -> Tensor {
    let equation: EinsumEquation
    do {
      equation = try EinsumEquation(subscripts, shapes: operands.map(\.shape))
    } catch {
      throw error.tensorError
    }
    return try einsum(equation, operands)
  }

  /// The einsum of a parsed equation.
  public static func einsum(_ equation: EinsumEquation, _ operands: [Tensor]) throws(TensorError) -> Tensor {
    guard !operands.isEmpty, operands.count == equation.inputs.count else { throw .emptyList(operation: "einsum") }
    var parts = try Swift.zip(operands, equation.inputs).map { (pair: (Tensor, [Character])) throws(TensorError) in
      try Labeled(tensor: pair.0, letters: pair.1).diagonal().unbroadcast(equation.sizes)
    }
    // Letters that only one operand has and the output lacks are summed at once.
    for k in parts.indices {
      var keep = Set(equation.output)
      for (j, other) in parts.enumerated() where j != k { keep.formUnion(other.letters) }
      parts[k] = try parts[k].summing(allBut: keep)
    }
    var result = parts[0]
    for k in 1..<parts.count {
      var needed = Set(equation.output)
      for later in parts[(k + 1)...] { needed.formUnion(later.letters) }
      result = try contract(result, parts[k], keeping: needed)
    }
    let final = try result.summing(allBut: Set(equation.output))
    return try final.arranged(equation.output, as: equation.output.map { equation.sizes[$0] ?? 1 })
  }

  /// `Σ a·b` over the letters both have that are not `needed`; the letters both have that
  /// are needed act as a batch. One (batched) matrix product.
  private static func contract(_ a: Labeled, _ b: Labeled, keeping needed: Set<Character>) throws(TensorError) -> Labeled {
    let a = try a.summing(allBut: needed.union(b.letters))
    let b = try b.summing(allBut: needed.union(a.letters))
    let batch = a.letters.filter { b.letters.contains($0) && needed.contains($0) }
    let summed = a.letters.filter { b.letters.contains($0) && !needed.contains($0) }
    let freeA = a.letters.filter { !b.letters.contains($0) }
    let freeB = b.letters.filter { !a.letters.contains($0) }
    func size(_ letters: [Character], in part: Labeled) -> Int {
      letters.reduce(1) { $0 * part.tensor.shape[part.letters.firstIndex(of: $1) ?? 0] }
    }
    let nb = size(batch, in: a), nfa = size(freeA, in: a), nfb = size(freeB, in: b), ns = size(summed, in: a)
    let product: Tensor
    if summed.isEmpty {
      // Nothing to sum: an outer product per batch entry, one broadcasting loop.
      product = try a.arranged(batch + freeA, as: [nb, nfa, 1]) * b.arranged(batch + freeB, as: [nb, 1, nfb])
    } else if nfa == 1 && nfb == 1 {
      // One dot product per batch entry ("bi,bi->b"): multiply, then sum each row.
      product = try (a.arranged(batch + summed, as: [nb, ns]) * b.arranged(batch + summed, as: [nb, ns])).reduced(.sum, axes: [1])
    } else {
      let left = try a.arranged(batch + freeA + summed, as: [nb, nfa, ns])
      let right = try b.arranged(batch + summed + freeB, as: [nb, ns, nfb])
      product = try Tensor.matmul(left, right)
    }
    let letters = batch + freeA + freeB
    let sizes = letters.map { letter in
      a.letters.firstIndex(of: letter).map { a.tensor.shape[$0] } ?? b.tensor.shape[b.letters.firstIndex(of: letter) ?? 0]
    }
    return Labeled(tensor: try product.reshaped(sizes), letters: letters)
  }
}

extension Labeled {
  /// Repeated letters read along their diagonal (`ii` → `i`): one axis per distinct letter.
  func diagonal() throws(TensorError) -> Labeled {
    var unique: [Character] = [], shape: [Int] = [], strides: [Int] = []
    let own = tensor.strides
    for (axis, letter) in letters.enumerated() {
      if let seen = unique.firstIndex(of: letter) {
        strides[seen] += own[axis]
      } else {
        unique.append(letter)
        shape.append(tensor.shape[axis])
        strides.append(own[axis])
      }
    }
    guard unique.count < letters.count else { return self }
    return Labeled(tensor: tensor.read(as: shape, strides: strides), letters: unique)
  }

  /// Size-1 axes whose letter is larger elsewhere removed: they broadcast, and carry no index.
  func unbroadcast(_ sizes: [Character: Int]) throws(TensorError) -> Labeled {
    let kept = letters.indices.filter { tensor.shape[$0] == (sizes[letters[$0]] ?? 1) }
    guard kept.count < letters.count else { return self }
    return Labeled(tensor: try tensor.reshaped(kept.map { tensor.shape[$0] }), letters: kept.map { letters[$0] })
  }
}
