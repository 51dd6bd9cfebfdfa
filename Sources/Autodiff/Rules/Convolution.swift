import Tensors

extension RuleBook {
  static let convolution: [Rule] = []
}
