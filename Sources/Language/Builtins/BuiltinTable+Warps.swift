import Autodiff
import Tensors

extension BuiltinTable {
  static let warps: [Builtin] = []
}
