import Autodiff
import Tensors

extension BuiltinTable {
  static let softmaxFamily: [Builtin] = [
    Builtin("softmax", [P("x", .tensor), P("axis", .axes, default: "-1")], .reduction, rules: ["softmax"],
            summary: "exp(x) / sum(exp(x)) along the axis (or axes; None for all), computed stably: each slice sums to 1.",
            example: "softmax([[1, 2, 3], [1, 1, 1]])") { a throws(EvaluationError) in
      let x = try a.tensor("x"), axes = try softmaxAxes(a)
      return .tensor(try a.check { () throws(TensorError) in try x.softmax(axes: axes) })
    },
    Builtin("log_softmax", [P("x", .tensor), P("axis", .axes, default: "-1")], .reduction, rules: ["log_softmax"],
            summary: "x - logsumexp(x) along the axis: the log of softmax, without its underflow.",
            example: "log_softmax([1, 2, 3])") { a throws(EvaluationError) in
      let x = try a.tensor("x"), axes = try softmaxAxes(a)
      return .tensor(try a.check { () throws(TensorError) in try x.logSoftmax(axes: axes) })
    },
    Builtin("logsumexp", [P("x", .tensor), P("axis", .axes, default: "None"), P("keepdims", .bool, default: "false")], .reduction,
            rules: ["logsumexp"],
            summary: "log(sum(exp(x))) over an axis, a tuple of axes or all, computed stably (the max is subtracted first).",
            example: "logsumexp([1000, 1000])") { a throws(EvaluationError) in
      let x = try a.tensor("x"), axes = try a.axes("axis"), keep = try a.bool("keepdims")
      return .tensor(try a.check { () throws(TensorError) in try x.logSumExp(axes: axes, keepDims: keep) })
    },
    Builtin("cross_entropy", [P("logits", .tensor), P("labels", .tensor)], .reduction, rules: ["cross_entropy"],
            summary: """
              The mean over the batch of -log softmax(logits)[label]: logits (B, C), integer labels (B,). \
              Its gradient is (softmax(logits) - one_hot(labels, C)) / B.
              """,
            example: "cross_entropy([[2, 0, -1], [0, 1, 0]], [0, 1])") { a throws(EvaluationError) in
      try crossEntropy(a)
    },
    Builtin("mse", [P("a", .tensor), P("b", .tensor)], .reduction, rules: ["mse"],
            summary: "The mean squared difference mean((a - b) ** 2), broadcasting a against b (with a note when that "
              + "makes a larger tensor, as PyTorch warns).",
            example: "mse([1, 2, 3], [1, 2, 5])") { a throws(EvaluationError) in
      let x = try a.tensor("a"), y = try a.tensor("b")
      let loss = try a.check { () throws(TensorError) in try Variable.mse(x, y) }
      // (256, 1) against (256,) is a (256, 256) difference: a mean over every pair, the classic silent bug.
      if let broadcast = try? Shape.broadcast(x.shape, y.shape), broadcast != x.shape || broadcast != y.shape,
        broadcast.reduce(1, *) > max(x.value.count, y.value.count)
      {
        // The usual culprit: a column of predictions (n, 1) against a vector of targets (n,).
        let columnAndVector = [x.shape, y.shape].contains { $0.count == 2 && $0[1] == 1 } && [x.shape, y.shape].contains { $0.count == 1 }
        a.interpreter.notes.append(
          "mse compared \(a.text(of: "a")) \(Shape.text(x.shape)) with \(a.text(of: "b")) \(Shape.text(y.shape)) by broadcasting them "
            + "to \(Shape.text(broadcast)): every pair, not each prediction with its target. Give both the same shape"
            + (columnAndVector ? " (reshape one, or take the column's [:, 0])" : ""))
      }
      return .tensor(loss)
    },
  ]

  /// `axis` of softmax and log_softmax: -1 when absent, all axes for None.
  private static func softmaxAxes(_ a: CallArguments) throws(EvaluationError) -> [Int] {
    let x = try a.tensor("x")
    guard let value = a.value("axis") else { return [-1] }
    if case .none = value { return Array(0..<x.value.rank) }
    let axes = try a.axes("axis") ?? []
    _ = try Conversion.check(at: a.range(of: "axis")) { () throws(TensorError) in try Shape.normalize(axes: axes, rank: x.value.rank) }
    return axes
  }

  private static func crossEntropy(_ a: CallArguments) throws(EvaluationError) -> Value {
    let logits = try a.tensor("logits"), labels = try a.tensor("labels")
    let single = logits.value.rank == 1 && labels.value.rank == 0
    guard logits.value.rank == 2 || single else {
      throw EvaluationError(
        "cross_entropy(): logits must be (batch, classes), got shape \(Shape.text(logits.shape))", at: a.range(of: "logits"),
        hint: "one score per class for each example; the labels are class numbers, not one-hot rows")
    }
    let (batch, classes) = single ? (1, logits.shape[0]) : (logits.shape[0], logits.shape[1])
    guard single || labels.shape == [batch] else {
      throw EvaluationError(
        "cross_entropy(): labels must be one class number per example, shape (\(batch),), got \(Shape.text(labels.shape))",
        at: a.range(of: "labels"),
        hint: labels.value.rank == 2 ? "labels are integers 0…\(classes - 1), not one-hot rows" : nil)
    }
    try a.indexArgument(
      "labels", allowed: { _ in 0..<classes },
      problem: { _ in "is out of range for \(classes) classes (logits has shape \(Shape.text(logits.shape)))" },
      hint: { _ in classes == 0 ? "there are no classes" : "labels run from 0 to \(classes - 1)" })
    return .tensor(try a.check { () throws(TensorError) in try logits.crossEntropy(labels: labels) })
  }
}

private typealias P = Builtin.Parameter
