/// What learners bring from NumPy, PyTorch and Python that Backstep spells another way, and
/// the hint that says how: `np.sum(x)`, `len(x)`, `L.backward()`, `x.grad`.
///
/// Methods themselves are understood: `x.sum(axis=1)` is `sum(x, axis=1)` for every built-in
/// whose first parameter is a tensor (see `Interpreter.method(named:)`).
enum Habits {
  /// Names of the modules whose functions Backstep has built in.
  static let modules: Set<String> = ["np", "numpy", "torch", "tf", "jnp", "jax", "F", "nn", "math", "scipy"]

  /// The hint for `module.name(...)`, a module function written the NumPy or PyTorch way.
  static func moduleFunctionHint(_ name: String) -> String {
    if ["array", "tensor", "asarray", "as_tensor", "from_numpy"].contains(name) {
      return "write the values as a list: [[1, 2], [3, 4]]"
    }
    if let builtin = Interpreter.builtins[name] {
      return "write `\(name)(…)`: \(builtin.signature)"
    }
    if Interpreter.constants[name] != nil { return "write `\(name)`" }
    if name == "random" { return "the random functions are built in: randn(3, 2), rand(3, 2), seed(0)" }
    if name == "clamp" { return "write `clip(x, min, max)`, NumPy's name for it" }
    return "`:help` lists the built-ins"
  }

  /// A hint for an unknown name that is a word of Python's or IPython's shell.
  static func nameHint(_ name: String) -> String? {
    switch name {
    case "exit", "quit": ":quit or Ctrl-D leaves Backstep"
    case "clear", "reset": ":clear forgets every variable"
    case "help": ":help lists the commands and built-ins"
    default: nil
    }
  }

  /// A hint for a call to an unknown function with this name, where Python has one.
  static func functionHint(_ name: String) -> String? {
    if let hint = nameHint(name) { return hint }
    return switch name {
    case "len": "x.shape[0] is the length of the first axis"
    case "range": "arange(n) gives the values 0, 1, …, n-1; a loop takes `for i in range(n) { … }` or `0..<n`"
    case "float", "int": "every number is a float64 already; floor, ceil and round give whole numbers"
    case "array", "tensor": "write the values as a list: [[1, 2], [3, 4]]"
    case "clamp": "clip(x, min, max) is NumPy's name for PyTorch's clamp"
    default: nil
    }
  }

  /// A hint for an attribute a tensor has in PyTorch or NumPy but not here.
  static func attributeHint(_ name: String) -> String? {
    switch name {
    case "grad": "gradients are values here: dx = grad(L, x)"
    case "backward": "grad(L, x) computes the gradient; `:backward L` shows the backward pass step by step"
    case "item": "a tensor with one element already prints as a number"
    case "numpy", "tolist": "a tensor is NumPy's array already: it prints as one, and save(x, path) writes a .npy file"
    case "dtype": "every tensor holds float64 values"
    case "view": "PyTorch's view is reshape here: x.reshape(3, 1)"
    case "unsqueeze": "PyTorch's unsqueeze is expand_dims here: x.expand_dims(0)"
    case "permute": "PyTorch's permute is transpose here: x.transpose((1, 0))"
    case "flatten", "ravel": "x.reshape(-1) flattens"
    case "t": "x.T transposes"
    case "mm": "x @ y is the matrix product"
    case "clamp": "x.clip(min, max) is NumPy's name for PyTorch's clamp"
    default: nil
    }
  }
}
