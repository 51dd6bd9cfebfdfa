import Tensors

extension RuleBook {
  static let selection: [Rule] = []
}
