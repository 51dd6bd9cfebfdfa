/// Every rule, in the order `:explain` lists them: the table of contents of `Rules/`.
public enum RuleBook {
  public static let all: [Rule] = core + extremes + contractions + selection + softmaxFamily + convolution + warps

  /// The ops of the core: arithmetic, element-wise functions, matmul, reductions, shapes, indexing.
  static let core: [Rule] = [
    .add, .subtract, .multiply, .divide, .remainder, .floorDivide, .negate, .power,
    .exp, .log, .sqrt, .abs, .sign, .sin, .cos, .tanh, .sigmoid, .relu, .reluBackward, .tanhBackward, .sigmoidBackward,
    .matmul, .diagPart, .diag,
    .sum, .mean, .max, .min,
    .reshape, .transpose, .expandDims, .squeeze, .broadcastTo,
    .index, .scatter, .put, .concat, .stack,
    .where, .greater, .greaterEqual, .less, .lessEqual, .equal, .notEqual,
  ]

  /// The rule called `name`, if there is one.
  public static func rule(named name: String) -> Rule? {
    all.first { $0.name == name }
  }
}
