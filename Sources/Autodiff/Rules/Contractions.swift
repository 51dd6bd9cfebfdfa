import Tensors

extension RuleBook {
  static let contractions: [Rule] = []
}
