import Tensors

extension RuleBook {
  static let softmaxFamily: [Rule] = []
}
