import Tensors

extension RuleBook {
  static let warps: [Rule] = []
}
