import Language

extension Commands {
  /// The commands that show how gradients come about.
  static let teaching: [Command] = [
    Command(name: "backward", usage: ":backward L [-v]",
            summary: "The backward pass of a scalar, one rule per step, with shapes (-v: values).") { session, arguments throws(EvaluationError) in
      try backward(session, arguments)
    },
    Command(name: "derive", usage: ":derive L wrt x",
            summary: "dL/dx as statements you can paste back: the gradient written as an expression.") { session, arguments throws(EvaluationError) in
      try derive(session, arguments)
    },
  ]
}
