import Tensors

// Einstein summation: one rule for every product-and-sum of named axes.
// Its backward is itself an einsum per operand (the output's letters become an
// input, the operand's letters the output), so :derive shows einsums and
// second derivatives come for free. dot, outer and trace are compositions.

extension RuleBook {
  static let contractions: [Rule] = [.einsum]
}

extension Sample {
  fileprivate static func einsum(_ subscripts: String, _ shapes: [[Int]]) -> Sample {
    Sample(shapes: shapes, Attributes([("subscripts", .string(subscripts))]))
  }
}

extension Rule {
  /// NumPy's `einsum`, any number of operands.
  public static let einsum = Rule(
    name: "einsum",
    formulas: ["dx_k = einsum(dy, x_j for j ≠ k, \"out,others->letters of x_k\")"],
    explanation: Explanation(
      indexNotation: "y[b] = Σ_i x[b,i] · w[b,i]   (\"bi,bi->b\")",
      derivation: """
        Letters in the output are kept, letters missing from it are summed, a letter shared by \
        operands multiplies their entries: y[out] = Σ over the summed letters of Π_k x_k[letters_k]. Nudging one element of x_k \
        changes every term that contains it, each by the product of the other factors; so \
        dx_k[letters_k] = Σ over the letters x_k lacks of dy[out] · Π_{j≠k} x_j[letters_j]. \
        That is itself an einsum: dy joins the operands with the output's letters, and x_k's \
        letters become the output. For "bi,bi->b", dx = einsum("b,bi->bi", dy, w) and \
        dw = einsum("b,bi->bi", dy, x): dy[b] · w[b,i]. For "ij,jk->ik" it is dy @ w.T and x.T @ dy. \
        A letter repeated inside one operand ("ii->i", a diagonal) cannot repeat in an output, so \
        the backward names the second copy afresh and multiplies by an identity mask δ; a letter \
        only x_k has (summed in the forward) comes back through a mask of ones: a broadcast.
        """,
      shapes: "dx_k has the shape of x_k: its own letters, in its own order (size-1 axes that broadcast are summed back).",
      pitfall: """
        Implicit mode (no "->") keeps the letters that appear once, in alphabetical order: \
        einsum("ji", x) is the transpose and einsum("bi,bi", x, y) sums everything to one number. \
        Write the output to be sure: "bi,bi->b".
        """),
    cost: .custom { inputs, output, attributes in
      guard case .string(let subscripts)? = attributes["subscripts"],
            let equation = try? EinsumEquation(subscripts, shapes: inputs) else { return (0, 0) }
      // One term per combination of the letters' values: n - 1 multiplications each, and an add
      // each where the result sums letters away (as matmul's 2·m·k·n counts). Each input's gradient
      // is an einsum over the same letters, of the upstream gradient and the other inputs, giving
      // that input's letters: "b,bi->bi" for "bi,bi->b" multiplies and sums nothing.
      let terms = Double(equation.sizes.values.reduce(1, *))
      func contraction(giving shape: [Int]) -> Double {
        terms * Double(Swift.max(inputs.count - 1, 0)) + (Double(Shape.product(shape)) < terms ? terms : 0)
      }
      return (contraction(giving: output), inputs.reduce(0) { $0 + contraction(giving: $1) })
    },
    samples: [
      .einsum("bi,bi->b", [[3, 4], [3, 4]]), .einsum("ij,jk->ik", [[2, 3], [3, 4]]),
      .einsum("ii->i", [[3, 3]]), .einsum("ii", [[3, 3]]), .einsum("ij->", [[2, 3]]),
      .einsum("i,j->ij", [[2], [3]]), .einsum("bij,bjk->bik", [[2, 2, 3], [2, 3, 2]]),
      .einsum("...ij,...jk->...ik", [[2, 2, 3], [3, 2]]), .einsum("ij,ij->ij", [[2, 3], [1, 3]]),
      .einsum("i,i->", [[3], [1]]), .einsum(",i->i", [[], [3]]), .einsum("ij,jk,kl->il", [[2, 3], [3, 2], [2, 2]]),
      .einsum("iij->ji", [[2, 2, 3]]), .einsum("ji", [[2, 3]]), .einsum("i,i", [[3], [3]]),
    ],
    notation: .call("einsum", leading: ["subscripts"]),
    forward: { x, attributes throws(TensorError) in try Tensor.einsum(try einsumEquation(attributes, x.map(\.shape)), Array(x)) },
    backward: { c throws(TensorError) in
      let equation = try einsumEquation(c.attributes, c.inputs.map(\.shape))
      return try c.inputs.indices.map { (k: Int) throws(TensorError) -> Variable? in
        c.needsGradient[k] ? try einsumGradient(k, equation, inputs: c.inputs, upstream: c.upstream) : nil
      }
    })

  /// The equation of an einsum node, parsed against its operands' shapes.
  static func einsumEquation(_ attributes: Attributes, _ shapes: [[Int]]) throws(TensorError) -> EinsumEquation {
    guard case .string(let subscripts)? = attributes["subscripts"] else { throw .emptyList(operation: "einsum") }
    do {
      return try EinsumEquation(subscripts, shapes: shapes)
    } catch {
      throw error.tensorError
    }
  }

  /// dx_k as an einsum of dy and the other operands, with a mask for letters they do not carry.
  static func einsumGradient(
    _ k: Int, _ equation: EinsumEquation, inputs: [Variable], upstream: Variable
  ) throws(TensorError) -> Variable {
    let letters = equation.inputs[k], shape = inputs[k].shape
    var fresh = equation.unusedLetters
    var renamed: [Character] = [], diagonals: [(Int, Int)] = []
    for (axis, letter) in letters.enumerated() {
      if let first = letters.firstIndex(of: letter), first < axis, !fresh.isEmpty {
        renamed.append(fresh.removeFirst())
        diagonals.append((first, axis))
      } else {
        renamed.append(letter)
      }
    }
    var terms = [equation.output], operands = [upstream]
    for j in inputs.indices where j != k {
      terms.append(equation.inputs[j])
      operands.append(inputs[j])
    }
    // The size each letter reaches the gradient with, from dy and the other operands.
    var reach: [Character: Int] = [:]
    for (term, operand) in zip(terms, operands) {
      for (letter, size) in zip(term, operand.shape) where reach[letter] == nil || reach[letter] == 1 { reach[letter] = size }
    }
    let needsMask = !diagonals.isEmpty || renamed.indices.contains { axis in
      guard let size = reach[renamed[axis]] else { return true }
      return size == 1 && shape[axis] != 1
    }
    if needsMask {
      terms.append(renamed)
      operands.append(.constant(try diagonalMask(shape, diagonals)))
    }
    let subscripts = terms.map { String($0) }.joined(separator: ",") + "->" + String(renamed)
    return try Variable.einsum(subscripts, operands).summed(toShape: shape)
  }

  /// Ones of `shape`, zero wherever an axis pair of `diagonals` has different indices (δ).
  static func diagonalMask(_ shape: [Int], _ diagonals: [(Int, Int)]) throws(TensorError) -> Tensor {
    var mask = try Tensor(repeating: 1, shape: shape)
    guard !diagonals.isEmpty, mask.count > 0 else { return mask }
    var index = [Int](repeating: 0, count: shape.count)
    for flat in 0..<mask.count {
      if diagonals.contains(where: { index[$0.0] != index[$0.1] }) { mask[flat: flat] = 0 }
      var axis = shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
    return mask
  }
}

extension Variable {
  /// NumPy's `einsum`: `Variable.einsum("bi,bi->b", [x, y])`.
  public static func einsum(_ subscripts: String, _ operands: [Variable]) throws(TensorError) -> Variable {
    try Rule.einsum.apply(operands, Attributes([("subscripts", .string(subscripts))]))
  }

  /// NumPy's `dot`: a product for 0-d operands, the matrix product up to 2-d (or with a vector),
  /// and beyond that a sum over a's last axis and b's second-to-last.
  public static func dot(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable {
    let (ra, rb) = (a.value.rank, b.value.rank)
    if ra == 0 || rb == 0 { return try a * b }
    if rb == 1 || ra == 1 || (ra == 2 && rb == 2) { return try matmul(a, b) }
    let letters = EinsumEquation.alphabet
    guard ra + rb <= letters.count else { throw .tooManyIndices(given: ra + rb, rank: letters.count) }
    let left = Array(letters[0..<ra])
    var right = Array(letters[ra..<(ra + rb)])
    right[rb - 2] = left[ra - 1]
    let output = Array(left.dropLast()) + right.enumerated().filter { $0.offset != rb - 2 }.map(\.element)
    return try einsum(String(left) + "," + String(right) + "->" + String(output), [a, b])
  }

  /// NumPy's `outer`: both operands flattened, `y[i,j] = a[i] · b[j]`.
  public static func outer(_ a: Variable, _ b: Variable) throws(TensorError) -> Variable {
    try a.reshaped([-1, 1]) * b.reshaped([1, -1])
  }

  /// NumPy's `trace`: the sum of the main diagonal of the first two axes (the rest are kept).
  public func trace() throws(TensorError) -> Variable {
    let rank = value.rank
    guard rank >= 2 else { throw .rankTooLow(operation: "trace", shape: shape, minimum: 2) }
    let side = Swift.min(shape[0], shape[1])
    let square = shape[0] == shape[1]
      ? self : try indexed([.slice(start: nil, stop: side, step: nil), .slice(start: nil, stop: side, step: nil)])
    let rest = Array(EinsumEquation.alphabet[1..<rank - 1])
    return try Variable.einsum("aa" + String(rest) + "->" + String(rest), [square])
  }
}
